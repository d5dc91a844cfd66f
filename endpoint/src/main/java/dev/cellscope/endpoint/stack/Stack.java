package dev.cellscope.endpoint.stack;

import dev.cellscope.blocks.BlockCodec;
import dev.cellscope.crypto.Identities;
import dev.cellscope.endpoint.core.Link;
import dev.cellscope.endpoint.core.RealScheduler;
import dev.cellscope.endpoint.identity.AddressBook;
import dev.cellscope.endpoint.identity.AddressEntry;
import dev.cellscope.endpoint.identity.NodeIdentity;
import dev.cellscope.endpoint.mesh.MeshNode;
import dev.cellscope.endpoint.sbi.BlockKeeper;
import dev.cellscope.endpoint.sbi.SbiConfig;
import dev.cellscope.endpoint.sbi.SbiPeerLimits;
import dev.cellscope.endpoint.sim.FaultModel;
import dev.cellscope.endpoint.sim.FaultyLink;
import dev.cellscope.endpoint.store.ContentStore;
import dev.cellscope.endpoint.utcp.UtcpConfig;
import dev.cellscope.wire.Bytes;

import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A running test peer on a real transport: scheduler, link (with optional faults) and — for
 * UTCP-SBI — a mesh node; reports events as time-stamped lines. Any face (CLI, GUI, probe) hosts
 * one the same way: {@link #open}, then {@link #mesh} or a Tether sender/receiver on {@link #link}.
 *
 * @param <A> how neighbours are addressed on the transport
 */
public final class Stack<A> implements AutoCloseable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");
    /** How often a serving node looks for connections whose peer has finished. */
    private static final long SWEEP_NANOS = 50_000_000L;

    private final RealScheduler scheduler;
    private final Transport<A> transport;
    /** The link the protocols use: the transport's, behind the fault injector when faults are asked for. */
    private final Link<A> link;
    private final NodeIdentity identity;
    private final AddressBook book;
    private final Link<A> raw;
    private final FaultyLink<A> faulty;
    private final Consumer<String> events;
    private MeshNode<A> node;
    private volatile BlockKeeper keeper;

    private Stack(RealScheduler scheduler, Transport<A> transport, Link<A> raw, FaultyLink<A> faulty, NodeIdentity identity,
                  AddressBook book, Consumer<String> events) {
        this.scheduler = scheduler;
        this.transport = transport;
        this.raw = raw;
        this.faulty = faulty;
        this.link = faulty != null ? faulty : raw;
        this.identity = identity;
        this.book = book;
        this.events = events;
    }

    /**
     * Opens {@code transport} on a new scheduler thread.
     *
     * @param book   names and the allow-list, or null for none (everyone allowed)
     * @param faults faults to inject on send, or null for none
     * @param seed   the fault generator's seed
     * @param events receives one time-stamped line per event, from any thread
     */
    public static <A> Stack<A> open(Transport<A> transport, NodeIdentity identity, AddressBook book, FaultModel faults, long seed,
                                    Consumer<String> events) {
        RealScheduler scheduler = new RealScheduler("cellscope-endpoint");
        Link<A> raw;
        try {
            raw = transport.open(scheduler);
        } catch (RuntimeException e) {
            scheduler.close();
            throw e;
        }
        FaultyLink<A> faulty = faults != null ? new FaultyLink<>(raw, scheduler, faults, seed) : null;
        return new Stack<>(scheduler, transport, raw, faulty, identity, book, events);
    }

    /**
     * The UTCP-SBI node on this link, with the content store in {@code store}. Once per stack: it
     * takes over the link's receiver. The caller closes the stack on failure.
     *
     * @param capabilities the capability bits to announce
     * @param required     the features to require of a peer
     */
    public MeshNode<A> mesh(Path store, long capabilities, long required) {
        return mesh(store, capabilities, required, UtcpConfig.defaults(), SbiPeerLimits.defaults());
    }

    /** As {@link #mesh(Path, long, long)}, with the UTCP tuning and caps and the SBI peers' bounds. */
    public MeshNode<A> mesh(Path store, long capabilities, long required, UtcpConfig utcp, SbiPeerLimits limits) {
        return mesh(store, capabilities, required, utcp, limits, SbiConfig.DEFAULT_BLOCK_SIZE);
    }

    /**
     * As {@link #mesh(Path, long, long, UtcpConfig, SbiPeerLimits)}, cutting our objects into {@code blockSize}-byte
     * blocks (announced in the HANDSHAKE; {@link SbiConfig#blockSizeFor} gives the size a large object needs).
     */
    public MeshNode<A> mesh(Path store, long capabilities, long required, UtcpConfig utcp, SbiPeerLimits limits, int blockSize) {
        if (node != null) throw new IllegalStateException("mesh node already made");
        ContentStore contents;
        try {
            contents = ContentStore.open(store);
        } catch (IOException e) {
            throw StackException.failed(store + ": cannot open the content store: " + e.getMessage());
        }
        // zstd's FFM binding links on first use (0.2 s here): do it while we connect, not before the first block.
        BlockCodec.warmUpInBackground();
        SbiConfig config = SbiConfig.of(identity).withCapabilities(capabilities).withRequired(required).withBlockSize(blockSize);
        Set<Bytes> allowed = allowList(book);
        // Received blocks are written on a thread of their own: the scheduler keeps taking packets meanwhile.
        keeper = BlockKeeper.onThread(contents, scheduler);
        node = scheduler.submit(() -> {
            MeshNode<A> made = new MeshNode<>(scheduler, link, identity, contents, config, limits, allowed, allowed, utcp);
            made.keepBlocksWith(keeper);
            return made;
        }).join();
        node.onEvent(this::event);
        event("node " + identity.cellIdText() + " (tether " + tetherIdText() + ") on " + transport.describe() + ", store " + store);
        return node;
    }

    /** The peers allowed to talk to us: the book's allow-list, or everyone (null) without a book. */
    private static Set<Bytes> allowList(AddressBook book) {
        if (book == null) return null;
        Set<Bytes> allowed = new HashSet<>();
        for (AddressEntry e : book.entries()) if (e.allowed()) e.cellId().ifPresent(allowed::add);
        return allowed;
    }

    /** Serves the store of the {@link #mesh} node to every peer, until the stack is closed. */
    public void serve() {
        if (node == null) throw new IllegalStateException("no mesh node to serve from");
        MeshNode<A> serving = node;
        scheduler.submit(() -> {
            serving.serve();
            return null;
        }).join();
        closeFinishedPeers(serving);
    }

    /**
     * Closes our direction of every connection whose peer has finished (its FIN arrived).
     * The mesh node does not: its SbiPeer ends without closing the stream when the peer does,
     * so the peer's FIN is never answered by ours, the client gives up its close, and the half-open
     * connection stays until the idle timeout (300 s) and refuses that peer's next SYN
     * ("SYN with a different seq … ignored"): a second put or get failed with "connect timeout".
     * A client closes only when it is done, and close() still sends what is queued before the FIN.
     */
    private void closeFinishedPeers(MeshNode<A> serving) {
        scheduler.schedule(SWEEP_NANOS, new Runnable() {
            @Override
            public void run() {
                for (var c : serving.endpoint().connections()) if (c.peerFinished() && !c.isClosed()) c.close();
                scheduler.schedule(SWEEP_NANOS, this);
            }
        });
    }

    /** Lets the mesh node's close handshakes (FIN/ACK) finish, for at most {@code maxNanos}. */
    public void awaitConnectionsClosed(long maxNanos) {
        if (node == null) return;
        MeshNode<A> closing = node;
        long until = System.nanoTime() + maxNanos;
        while (System.nanoTime() < until) {
            boolean open = scheduler.submit(() -> closing.endpoint().connections().stream().anyMatch(c -> !c.isClosed())).join();
            if (!open) return;
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    public RealScheduler scheduler() {
        return scheduler;
    }

    public Transport<A> transport() {
        return transport;
    }

    /** The link the protocols use: the transport's, behind the fault injector when faults are asked for. */
    public Link<A> link() {
        return link;
    }

    public NodeIdentity identity() {
        return identity;
    }

    /** The address book, or null when none was given. */
    public AddressBook book() {
        return book;
    }

    /** Our Tether identity on this transport (see {@link Transport#tetherId}). */
    public long tetherId() {
        return transport.tetherId(identity);
    }

    public String tetherIdText() {
        return Identities.formatTetherId(tetherId());
    }

    /** A neighbour's address on this transport, from its text ({@code HOST:PORT} or {@code MAC}). */
    public A address(String where) {
        return transport.address(where);
    }

    /** One line, time-stamped; callable from any thread. */
    public void event(String what) {
        events.accept(LocalTime.now().format(TIME) + " " + what);
    }

    /**
     * The serving node's limits and what they did, one line: connections open, evicted and refused
     * (with the caps), read pauses (with the queued-bytes bound), offers forgotten (with their bound).
     * Empty without a mesh node. Any thread; waits at most half a second for the scheduler.
     */
    public String limitsSummary() {
        if (node == null) return "";
        MeshNode<A> n = node;
        try {
            // Ahead of the queued datagrams: under a flood a plain submit waited behind thousands of them (SIGTERM
            // printed "limits: the scheduler did not answer in time" instead of the summary).
            return scheduler.submitFirst(() -> {
                var sw = n.endpoint().switchCounters();
                UtcpConfig c = n.endpoint().config();
                return "connections " + n.endpoint().connections().size() + " open, " + sw.evicted() + " evicted, "
                        + sw.refused() + " refused (caps " + c.maxConnections() + " total, " + c.maxConnectionsPerSource()
                        + " per source, " + c.maxHalfOpen() + " half-open), " + sw.replaced()
                        + " replaced by the same peer's new SYN; reading paused " + n.endpoint().readPauses()
                        + " times (queued output bound " + c.maxQueuedBytes() + " bytes, " + c.maxQueuedWrites()
                        + " writes); offers forgotten " + n.offersEvicted() + " (bound " + n.limits().maxPendingOffers()
                        + " offers, " + n.limits().maxPendingOfferNodes() + " nodes per connection)";
            }).get(500, java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return "limits: the scheduler did not answer in time";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    /** What was done to the traffic besides the protocols: injected faults, sends the link dropped. */
    public String faultSummary() {
        return (faulty == null ? "" : " (faults injected on send: " + faulty.summary() + ")") + transport.trouble();
    }

    /** How long {@link #close} waits for the scheduler to close the node before closing under it. */
    private static final long CLOSE_WAIT_MILLIS = 500;

    /**
     * Closes the node, the link and the scheduler. The node is closed on the scheduler's thread,
     * but closing waits at most {@value #CLOSE_WAIT_MILLIS} ms for it: a scheduler busy with a flood
     * must not hold SIGTERM up (the link and the thread are closed regardless).
     */
    @Override
    public void close() {
        if (keeper != null) keeper.close(); // first: a scheduler waiting for the writer's room goes on at once
        if (node != null) {
            try {
                scheduler.submitFirst(() -> { // ahead of queued datagrams, as limitsSummary
                    node.close();
                    return null;
                }).get(CLOSE_WAIT_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                // closing anyway: the peers time out
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        raw.close();
        scheduler.close();
    }
}
