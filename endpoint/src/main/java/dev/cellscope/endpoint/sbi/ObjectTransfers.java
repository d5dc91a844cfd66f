package dev.cellscope.endpoint.sbi;

import dev.cellscope.endpoint.store.ContentStore;
import dev.cellscope.endpoint.store.ObjectFileWriter;
import dev.cellscope.endpoint.store.ObjectManifest;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.SbiBlockWant;
import dev.cellscope.wire.SbiDagSync;
import dev.cellscope.wire.SbiNack;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Object transfer over one connection (PROTOCOLS.md section 4, DAG of depth 1). [decided]
 * rules, see docs/ENDPOINT-SBI.md:
 * <ul>
 * <li><b>Offer</b> (put): DAG_SYNC(root, every chunk CID in file order). The list's order is the
 *     chunk order, and it is authenticated: root = BLAKE3 of the list. The receiver answers
 *     DAG_SYNC(root, the listed CIDs it lacks, in order, each once); BLOCK_PUTs of those follow
 *     (chunk_index = first position in the object), each ACKed.</li>
 * <li><b>Query</b> (get): DAG_SYNC(root, no nodes): the requester holds nothing of the object.
 *     The holder answers with the full ordered list (relative to a requester that has nothing,
 *     that is the set of nodes missing between the two sides); an unknown root is NACKed
 *     block_not_found. The requester checks the list against the root, then BLOCK_WANTs the
 *     chunks it lacks.</li>
 * <li>An incoming DAG_SYNC is an answer when we have an unanswered offer or query for its root,
 *     otherwise a request.</li>
 * <li>An object offered to us is kept in memory until its last chunk arrives; only then is its
 *     manifest written to the store. At most {@link SbiPeerLimits#maxPendingOffers} such offers
 *     ({@link SbiPeerLimits#maxPendingOfferNodes} nodes) are kept per connection: a newer one
 *     forgets the oldest, so offers of objects that never arrive leave nothing behind.</li>
 * </ul>
 * Runs on the scheduler thread only (called by {@link SbiPeer}).
 */
final class ObjectTransfers {
    private static final int DEPTH = 1;
    /**
     * A put queues its next block only while the transport's backlog (bytes not yet in its
     * retransmit buffer) is below this: half of UTCP's default queued-output bound (4 MiB),
     * above which a connection stops reading. The retransmit buffer itself holds the blocks in flight.
     */
    static final long PUT_BACKLOG = 2L << 20;

    /**
     * A get keeps at most this many BLOCK_WANTs unanswered, and sends the next as blocks arrive. Sent all
     * at once, 1526 wants (a 100 MB object) made the server queue more replies than its bound, so it
     * stopped reading our stream, and with it our ACKs that free its retransmit buffer, which then
     * held for 10 s (issue 12 item 8: a 100 MB get stalled 9 s after its first 5 MB, every time).
     * 32 replies of 64 KiB are 2 MiB: half the server's default queued-output bound.
     */
    static final int GET_WANTS_IN_FLIGHT = 32;

    /**
     * A wanted block the peer sent corrupt (hash_mismatch, or compressed data that does not decompress) is wanted
     * again up to this many times before the get gives up: the strictness table says "the sender may resend", and
     * one flipped bit on a path should not cost the whole transfer. Bounded, so a peer that always sends garbage
     * ends the get instead of looping.
     */
    static final int GET_REWANTS_PER_BLOCK = 3;

    /** What one of our messages was about, so its ACK/NACK can be routed. */
    private record Sent(Bytes root, Bytes cid) {}

    private static final class Put {
        final ObjectManifest manifest;
        final List<CompletableFuture<PutResult>> waiters = new ArrayList<>();
        boolean answered;
        int outstanding, sent;
        /** Blocks the peer lacks that are not sent yet, with their chunk_index, in order. */
        final java.util.ArrayDeque<Map.Entry<Bytes, Integer>> toSend = new java.util.ArrayDeque<>();

        Put(ObjectManifest manifest) {
            this.manifest = manifest;
        }
    }

    private static final class Get {
        final Bytes root;
        final List<CompletableFuture<ObjectManifest>> waiters = new ArrayList<>();
        ObjectManifest manifest; // null until the node list is known
        final Set<Bytes> remaining = new HashSet<>();
        /** Remaining blocks not wanted yet, in order: wanted {@link #GET_WANTS_IN_FLIGHT} at a time. */
        final Set<Bytes> toWant = new LinkedHashSet<>();
        /** Files being written as the blocks arrive (a get with an output file). */
        final List<ObjectFileWriter> writers = new ArrayList<>();
        /** Blocks the peer sent rejected, and how often: each is wanted again at most {@link #GET_REWANTS_PER_BLOCK} times. */
        final Map<Bytes, Integer> rejected = new HashMap<>();

        Get(Bytes root) {
            this.root = root;
        }
    }

    private final SbiPeer peer;
    private final ContentStore store;
    private final Map<Bytes, Put> puts = new HashMap<>();
    private final Map<Bytes, Get> gets = new HashMap<>();
    /** Objects offered to us, by root: the chunks still to arrive. */
    private record Incoming(ObjectManifest manifest, Set<Bytes> remaining) {}

    /** In arrival order: the oldest is forgotten first. */
    private final Map<Bytes, Incoming> offeredToUs = new LinkedHashMap<>();
    private final SbiPeerLimits limits;
    private long offeredNodes, offersEvicted;
    private final Map<Long, Sent> sent = new HashMap<>();
    private final Map<Bytes, Integer> chunkIndex = new HashMap<>();
    private final Set<CompletableFuture<?>> tracked = new HashSet<>();

    ObjectTransfers(SbiPeer peer, ContentStore store, SbiPeerLimits limits) {
        this.peer = peer;
        this.store = store;
        this.limits = limits;
    }

    /** Whether one of our requests (offer, query, block) still waits for its answer. */
    boolean awaitingAnswers() {
        return !sent.isEmpty() || !puts.isEmpty() || !gets.isEmpty();
    }

    long offersEvicted() {
        return offersEvicted;
    }

    int pendingOffers() {
        return offeredToUs.size();
    }

    // ------------------------------------------------------------------------------------------
    // Our operations

    void put(ObjectManifest m, CompletableFuture<PutResult> done) {
        tracked.remove(done);
        if (m.chunks().size() > SbiConfig.MAX_CHUNKS) {
            done.completeExceptionally(new IllegalArgumentException("an object of " + m.chunks().size()
                    + " chunks does not fit one DAG_SYNC (at most " + SbiConfig.MAX_CHUNKS + "); use a larger block size (put --block-size)"));
            return;
        }
        Put p = puts.get(m.root());
        if (p != null) { // the same object is already on its way: share the outcome
            p.waiters.add(done);
            return;
        }
        p = new Put(m);
        p.waiters.add(done);
        puts.put(m.root(), p);
        remember(m);
        long idx = peer.send(new SbiDagSync(m.root(), DEPTH, m.chunks()));
        sent.put(idx, new Sent(m.root(), null));
        peer.awaitAnswers();
        peer.event("DAG_SYNC sent: offer " + m.root().hex() + " (" + m.chunks().size() + " nodes)");
    }

    /** Fetches {@code root}; {@code writer}, if not null, is told the node list and each block as it is stored. */
    void get(Bytes root, CompletableFuture<ObjectManifest> done, ObjectFileWriter writer) {
        tracked.remove(done);
        Get g = gets.get(root);
        if (g != null) {
            g.waiters.add(done);
            if (writer != null) {
                g.writers.add(writer);
                if (g.manifest != null) writer.manifest(g.manifest, g.remaining);
            }
            return;
        }
        g = new Get(root);
        g.waiters.add(done);
        if (writer != null) g.writers.add(writer);
        gets.put(root, g);
        Optional<ObjectManifest> known = manifest(root);
        if (known.isPresent()) { // resuming: the node list is already here
            g.manifest = known.get();
            want(g);
            return;
        }
        long idx = peer.send(new SbiDagSync(root, DEPTH, List.of()));
        sent.put(idx, new Sent(root, null));
        peer.awaitAnswers();
        peer.event("DAG_SYNC sent: query " + root.hex());
    }

    /** A future waiting for the handshake: failed with the rest if the connection closes. */
    void track(CompletableFuture<?> f) {
        tracked.add(f);
    }

    // ------------------------------------------------------------------------------------------
    // Incoming

    void onDagSync(long index, SbiDagSync d) {
        if (!dev.cellscope.blocks.SbiAdmission.dagDepthDefined(d.depth())) { // the tap's sbi.dag_depth: the same rule
            peer.nack(SbiError.MALFORMED_CONTAINER, index, "DAG_SYNC depth " + d.depth() + ", only depth 1 is defined");
            return;
        }
        Put p = puts.get(d.root());
        if (p != null && !p.answered) {
            onOfferAnswered(p, d.nodes());
            return;
        }
        Get g = gets.get(d.root());
        if (g != null && g.manifest == null) {
            onQueryAnswered(index, g, d.nodes());
            return;
        }
        if (d.nodes().isEmpty()) answerQuery(index, d.root());
        else answerOffer(index, d.root(), d.nodes());
    }

    private void answerQuery(long index, Bytes root) {
        Optional<ObjectManifest> m = manifest(root);
        if (m.isEmpty() && root.equals(ObjectManifest.rootOf(List.of()))) m = Optional.of(ObjectManifest.of(List.of()));
        if (m.isEmpty() || m.get().chunks().size() > SbiConfig.MAX_CHUNKS) {
            peer.nack(SbiError.BLOCK_NOT_FOUND, index, "no object " + root.hex());
            return;
        }
        remember(m.get());
        peer.send(new SbiDagSync(root, DEPTH, m.get().chunks()));
        peer.event("DAG_SYNC answered: query " + root.hex() + " with " + m.get().chunks().size() + " nodes");
    }

    private void answerOffer(long index, Bytes root, List<Bytes> nodes) {
        ObjectManifest m;
        try {
            m = new ObjectManifest(root, nodes);
        } catch (IllegalArgumentException e) {
            peer.nack(SbiError.HASH_MISMATCH, index, "DAG_SYNC root is not BLAKE3 of its " + nodes.size() + " nodes");
            return;
        }
        List<Bytes> lacking = store.missing(m);
        peer.send(new SbiDagSync(root, DEPTH, lacking));
        peer.event("DAG_SYNC answered: offer " + root.hex() + ", " + lacking.size() + " of " + nodes.size() + " nodes lacking");
        if (lacking.isEmpty()) {
            complete(m);
        } else if (!offeredToUs.containsKey(root)) {
            keepOffer(new Incoming(m, new HashSet<>(lacking)));
        }
    }

    /** Keeps an offer until its chunks arrive, forgetting the oldest ones beyond the bounds. */
    private void keepOffer(Incoming in) {
        int nodes = in.manifest().chunks().size();
        Iterator<Incoming> oldest = offeredToUs.values().iterator();
        while (oldest.hasNext() && (offeredToUs.size() >= limits.maxPendingOffers()
                || offeredNodes + nodes > limits.maxPendingOfferNodes())) {
            Incoming gone = oldest.next();
            oldest.remove();
            offeredNodes -= gone.manifest().chunks().size();
            offersEvicted++;
            peer.event("offer " + gone.manifest().root().hex() + " forgotten unfinished (" + gone.remaining().size()
                    + " chunks never came): more than " + limits.maxPendingOffers() + " offers or "
                    + limits.maxPendingOfferNodes() + " nodes pending");
        }
        if (nodes > limits.maxPendingOfferNodes()) {
            offersEvicted++;
            peer.event("offer " + in.manifest().root().hex() + " not kept: " + nodes + " nodes exceed the bound of "
                    + limits.maxPendingOfferNodes());
            return;
        }
        offeredToUs.put(in.manifest().root(), in);
        offeredNodes += nodes;
    }

    /** An object whose chunks are all here: its manifest is written now (never for one that did not complete). */
    private void complete(ObjectManifest m) {
        try {
            store.putManifest(m);
        } catch (IOException e) {
            peer.event("store: " + e.getMessage());
        }
        peer.objectComplete(m);
    }

    private void onOfferAnswered(Put p, List<Bytes> lacking) {
        p.answered = true;
        peer.peerAnswers();
        peer.event("DAG_SYNC answer: peer lacks " + lacking.size() + " of " + p.manifest.chunks().size() + " nodes");
        Map<Bytes, Integer> firstIndex = new HashMap<>();
        List<Bytes> chunks = p.manifest.chunks();
        for (int i = chunks.size() - 1; i >= 0; i--) firstIndex.put(chunks.get(i), i);
        for (Bytes cid : new LinkedHashSet<>(lacking)) {
            Integer idx = firstIndex.get(cid);
            if (idx == null) {
                peer.event("DAG_SYNC answer names " + cid.hex() + ", not a node of " + p.manifest.root().hex() + ": ignored");
                continue;
            }
            p.toSend.add(Map.entry(cid, idx));
        }
        sendMore(p);
    }

    /**
     * Sends the put's next blocks while the transport holds less than {@link #PUT_BACKLOG} bytes not yet
     * in its retransmit buffer, and finishes the put once every block is sent and answered. Called
     * again on every answer: the blocks are read from the store and queued as the transport drains,
     * not all at once (a 1 GB object would sit in memory, and a queue over the connection's bound
     * would pause reading the very ACKs that drain it).
     */
    private void sendMore(Put p) {
        while (!p.toSend.isEmpty() && peer.streamBacklog() < PUT_BACKLOG) {
            Map.Entry<Bytes, Integer> next = p.toSend.poll();
            Bytes cid = next.getKey();
            byte[] data;
            try {
                data = store.get(cid).orElseThrow(() -> new IOException("chunk " + cid.hex() + " is no longer in the store"));
            } catch (IOException e) {
                finishPut(p, new IOException("local store: " + e.getMessage(), e)); // ours, not the peer's
                return;
            }
            long msg = peer.sendBlock(cid, next.getValue(), data);
            sent.put(msg, new Sent(p.manifest.root(), cid));
            p.outstanding++;
            p.sent++;
        }
        if (p.outstanding == 0 && p.toSend.isEmpty()) finishPut(p, null);
    }

    private void onQueryAnswered(long index, Get g, List<Bytes> nodes) {
        ObjectManifest m;
        try {
            m = new ObjectManifest(g.root, nodes);
        } catch (IllegalArgumentException e) {
            peer.nack(SbiError.HASH_MISMATCH, index, "DAG_SYNC root is not BLAKE3 of its " + nodes.size() + " nodes");
            finishGet(g, null, new IOException("the peer's node list for " + g.root.hex() + " does not hash to the root"));
            return;
        }
        try {
            store.putManifest(m);
        } catch (IOException e) {
            finishGet(g, null, e);
            return;
        }
        g.manifest = m;
        want(g);
    }

    private void want(Get g) {
        // Our own chunks are read (and so verified) now, not only when the file is written: a corrupt one is then
        // quarantined and fetched from the peer instead of failing the get after "get complete".
        List<Bytes> missing;
        try {
            missing = store.missingOrCorrupt(g.manifest,
                    corrupt -> peer.event("local store: " + corrupt.getMessage() + ": fetching it again"));
        } catch (IOException e) {
            finishGet(g, null, new IOException("local store: " + e.getMessage(), e));
            return;
        }
        for (ObjectFileWriter w : g.writers) w.manifest(g.manifest, new HashSet<>(missing));
        if (missing.isEmpty()) {
            finishGet(g, g.manifest, null);
            return;
        }
        g.remaining.addAll(missing);
        g.toWant.addAll(missing);
        peer.awaitAnswers();
        peer.event("BLOCK_WANT: " + missing.size() + " of " + g.manifest.chunks().size() + " chunks of " + g.root.hex()
                + " wanted, " + GET_WANTS_IN_FLIGHT + " at a time");
        wantMore(g);
    }

    /** Wants the next blocks while fewer than {@link #GET_WANTS_IN_FLIGHT} are unanswered. */
    private void wantMore(Get g) {
        Iterator<Bytes> next = g.toWant.iterator();
        while (next.hasNext() && g.remaining.size() - g.toWant.size() < GET_WANTS_IN_FLIGHT) {
            Bytes cid = next.next();
            next.remove();
            long msg = peer.send(new SbiBlockWant(cid, 0));
            sent.put(msg, new Sent(g.root, cid));
        }
    }

    void onAck(long ref) {
        Sent s = sent.remove(ref);
        if (s == null || s.cid() == null) return;
        Put p = puts.get(s.root());
        if (p == null) return;
        p.outstanding--;
        // The answer drained the transport a little: this put, and any other answered one, may send more.
        for (Put q : List.copyOf(puts.values())) {
            if (q.answered && puts.get(q.manifest.root()) == q) sendMore(q);
        }
    }

    void onNack(SbiNack n) {
        Sent s = sent.remove(n.refSeq());
        if (s == null) return;
        IOException why = new IOException("peer sent NACK " + n.error() + " for "
                + (s.cid() == null ? "DAG_SYNC of " + s.root().hex() : "block " + s.cid().hex()));
        Put p = puts.get(s.root());
        if (p != null) finishPut(p, why);
        Get g = gets.get(s.root());
        if (g != null) finishGet(g, null, why);
    }

    /** Block {@code cid} is in the store now; {@code data} is its content, for the gets that write files. */
    void onBlockStored(Bytes cid, byte[] data) {
        for (Get g : List.copyOf(gets.values())) {
            if (!g.remaining.remove(cid)) continue;
            for (ObjectFileWriter w : g.writers) w.stored(cid, data);
            g.toWant.remove(cid); // it came before we wanted it (another get or offer brought it)
            if (g.remaining.isEmpty()) finishGet(g, g.manifest, null);
            else wantMore(g);
        }
        for (Incoming in : List.copyOf(offeredToUs.values())) {
            if (in.remaining().remove(cid) && in.remaining().isEmpty()) {
                offeredToUs.remove(in.manifest().root());
                offeredNodes -= in.manifest().chunks().size();
                complete(in.manifest());
            }
        }
    }

    /** The file a get writes failed: the get (every waiter for that object) fails now rather than after the last block. */
    void writerFailed(Bytes root, ObjectFileWriter writer, IOException why) {
        Get g = gets.get(root);
        if (g != null && g.writers.contains(writer)) finishGet(g, null, why);
    }

    /** A wanted block failed verification: wanted again, up to {@link #GET_REWANTS_PER_BLOCK} times, then the get fails. */
    void onBlockRejected(Bytes cid, String why) {
        for (Get g : List.copyOf(gets.values())) {
            if (!g.remaining.contains(cid)) continue;
            int times = g.rejected.merge(cid, 1, Integer::sum);
            if (times > GET_REWANTS_PER_BLOCK || peer.closed()) {
                finishGet(g, null, new IOException("block " + cid.hex() + " rejected: " + why
                        + (times > 1 ? " (" + times + " times; wanted again " + (times - 1) + " times)" : "")));
                continue;
            }
            g.toWant.remove(cid); // a block that came unasked is wanted now, as one we asked for
            long msg = peer.send(new SbiBlockWant(cid, 0));
            sent.put(msg, new Sent(g.root, cid));
            peer.event("BLOCK_WANT again: " + cid.hex() + " (rejected " + times + " of at most " + (GET_REWANTS_PER_BLOCK + 1) + " times)");
        }
    }

    /** chunk_index for a BLOCK_PUT answering a BLOCK_WANT: the position in an object served on this connection, else 0. */
    long chunkIndexHint(Bytes cid) {
        return chunkIndex.getOrDefault(cid, 0);
    }

    void failAll(IOException why) {
        for (Put p : List.copyOf(puts.values())) finishPut(p, why);
        for (Get g : List.copyOf(gets.values())) finishGet(g, null, why);
        for (CompletableFuture<?> f : List.copyOf(tracked)) f.completeExceptionally(why);
        tracked.clear();
    }

    // ------------------------------------------------------------------------------------------

    private void finishPut(Put p, Exception failure) {
        puts.remove(p.manifest.root());
        sent.values().removeIf(s -> s.root().equals(p.manifest.root()) && gets.get(s.root()) == null);
        PutResult r = new PutResult(p.manifest.root(), p.manifest.chunks().size(), p.sent);
        if (failure == null) peer.event("put complete: " + r.root().hex() + ", " + r.blocksSent() + " of " + r.chunks() + " blocks sent");
        for (CompletableFuture<PutResult> f : p.waiters) {
            if (failure == null) f.complete(r);
            else f.completeExceptionally(failure);
        }
    }

    private void finishGet(Get g, ObjectManifest m, Exception failure) {
        gets.remove(g.root);
        sent.values().removeIf(s -> s.root().equals(g.root) && puts.get(s.root()) == null);
        if (failure == null) peer.event("get complete: " + g.root.hex() + " (" + m.chunks().size() + " chunks)");
        for (CompletableFuture<ObjectManifest> f : g.waiters) {
            if (failure == null) f.complete(m);
            else f.completeExceptionally(failure);
        }
    }

    private void remember(ObjectManifest m) {
        for (int i = m.chunks().size() - 1; i >= 0; i--) chunkIndex.put(m.chunks().get(i), i); // first position wins
    }

    private Optional<ObjectManifest> manifest(Bytes root) {
        try {
            return store.manifest(root);
        } catch (IOException e) {
            peer.event("store: " + e.getMessage());
            return Optional.empty();
        }
    }
}
