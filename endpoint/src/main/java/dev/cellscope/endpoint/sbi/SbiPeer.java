package dev.cellscope.endpoint.sbi;

import dev.cellscope.blocks.BlockCodec;
import dev.cellscope.blocks.Decompressed;
import dev.cellscope.blocks.Verification;
import dev.cellscope.crypto.Blake3;
import dev.cellscope.crypto.SchemaFingerprints;
import dev.cellscope.endpoint.core.Scheduler;
import dev.cellscope.endpoint.store.Chunker;
import dev.cellscope.endpoint.store.ContentStore;
import dev.cellscope.endpoint.store.CorruptBlockException;
import dev.cellscope.endpoint.store.ObjectFileWriter;
import dev.cellscope.endpoint.store.ObjectManifest;
import dev.cellscope.protocol.sbi.SbiCompression;
import dev.cellscope.protocol.sbi.SbiDeliveryProof;
import dev.cellscope.protocol.sbi.SbiLimits;
import dev.cellscope.protocol.sbi.SbiNegotiation;
import dev.cellscope.protocol.sbi.SbiOps;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.SbiAck;
import dev.cellscope.wire.SbiBlockPut;
import dev.cellscope.wire.SbiBlockWant;
import dev.cellscope.wire.SbiContainer;
import dev.cellscope.wire.SbiDagSync;
import dev.cellscope.wire.SbiFramer;
import dev.cellscope.wire.SbiHandshake;
import dev.cellscope.blocks.SbiAdmission;
import dev.cellscope.protocol.sbi.SbiErrorCode;
import dev.cellscope.wire.SbiMessage;
import dev.cellscope.wire.SbiNack;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * One UTCP-SBI connection's protocol logic (PROTOCOLS.md section 4, SPEC-710) above a reliable
 * byte stream: handshake and capability check, incremental parsing with reject-before-allocate,
 * ACK/NACK with {@code ref_seq} = the answered message's index in the other direction, block
 * exchange verified against the {@link ContentStore}, and object transfer by DAG_SYNC
 * ({@link ObjectTransfers}).
 *
 * <p>Threading: everything runs on the {@link Scheduler}'s thread (a {@link BlockKeeper} may write received
 * blocks on its own and hands their ACKs back to the scheduler). {@link #onBytes},
 * {@link #onClosed} and {@link #start} must be called there; {@link #put}, {@link #putObject}
 * and {@link #get} may be called from any thread (they read files there, then hop onto the
 * scheduler). Strictness per error: {@link SbiError#closes()}.
 */
public final class SbiPeer implements SbiStream.Receiver {

    private final SbiConfig config;
    private final ContentStore store;
    private final BlockKeeper keeper;
    private final Scheduler scheduler;
    private final SbiStream stream;
    private final SbiFramer framer = new SbiFramer();
    private final SbiPeerLimits limits;
    /** Made on the first BLOCK_PUT: an unauthenticated open should cost little. */
    private BlockCodec codec;
    private final List<SbiListener> listeners = new CopyOnWriteArrayList<>();
    private final ObjectTransfers transfers;
    private final List<Runnable> untilReady = new ArrayList<>();
    private Predicate<Bytes> corruptBlocks = cid -> false;   // test hook, see corruptBlocksForTesting

    private long inIndex, outIndex;
    /** Where each message we sent ends in our stream: an answer to one proves the peer has the stream up to there. */
    private final SbiDeliveryProof sentEnds = new SbiDeliveryProof();
    private long messagesIn, messagesOut, bytesIn, bytesOut, acksSent, acksReceived, nacksSent, nacksReceived,
            blocksStored, blocksSent, blocksRejected;
    private boolean started;
    private SbiHandshake remote;
    private SbiCompression compression = SbiCompression.NONE;
    private SbiNegotiation negotiation;
    /** Scheduler time we last heard the peer, or began waiting for it; see {@link SbiPeerLimits#silenceTimeoutNanos}. */
    private long lastHeard;
    private boolean watching;
    private volatile boolean ready;
    private volatile String closedReason;

    public SbiPeer(SbiConfig config, ContentStore store, Scheduler scheduler, SbiStream stream) {
        this(config, SbiPeerLimits.defaults(), store, scheduler, stream);
    }

    public SbiPeer(SbiConfig config, SbiPeerLimits limits, ContentStore store, Scheduler scheduler, SbiStream stream) {
        this(config, limits, store, BlockKeeper.inline(store), scheduler, stream);
    }

    /** @param keeper writes received blocks to {@code store} before they are ACKed (shared by a node's peers) */
    public SbiPeer(SbiConfig config, SbiPeerLimits limits, ContentStore store, BlockKeeper keeper, Scheduler scheduler,
                   SbiStream stream) {
        this.keeper = Objects.requireNonNull(keeper, "keeper");
        this.config = Objects.requireNonNull(config, "config");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.store = Objects.requireNonNull(store, "store");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.stream = Objects.requireNonNull(stream, "stream");
        this.transfers = new ObjectTransfers(this, store, limits);
    }

    public void addListener(SbiListener listener) {
        listeners.add(listener);
    }

    /** Sends our HANDSHAKE (once). Call on the scheduler thread when the stream is connected. */
    public void start() {
        if (started || closedReason != null) return;
        started = true;
        send(new SbiHandshake(config.peerId(), config.capabilities(), config.required(), config.optional(),
                config.blockSize(), SbiConfig.VERSION, config.replicaCount()));
        event("handshake sent: capabilities " + SbiConfig.capabilityNames(config.capabilities()) + ", required "
                + SbiConfig.capabilityNames(config.required()));
    }

    // ------------------------------------------------------------------------------------------
    // Operations (any thread)

    /** Chunks {@code file} into the store (on the caller's thread), then offers it: DAG_SYNC, BLOCK_PUT what the peer lacks. */
    public CompletableFuture<PutResult> put(Path file) {
        ObjectManifest manifest;
        try {
            manifest = Chunker.store(store, file, config.blockSize());
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        return putObject(manifest.chunks());
    }

    /** Offers an object whose chunks are already in the store, in this order. */
    public CompletableFuture<PutResult> putObject(List<Bytes> chunks) {
        CompletableFuture<PutResult> done = new CompletableFuture<>();
        ObjectManifest manifest = ObjectManifest.of(chunks);
        onScheduler(done, () -> transfers.put(manifest, done));
        return done;
    }

    /** Fetches object {@code root}: learns its chunks by DAG_SYNC, BLOCK_WANTs what the store lacks, assembles. */
    public CompletableFuture<byte[]> get(Bytes root) {
        return fetch(root).thenApply(m -> io(() -> Chunker.assemble(store, m)));
    }

    /**
     * As {@link #get(Bytes)}, writing the object to {@code dest} as its blocks arrive (a temporary file beside
     * it, renamed onto it once complete). A destination whose directory cannot be written fails at once.
     */
    public CompletableFuture<Path> get(Bytes root, Path dest) {
        ObjectFileWriter out;
        try {
            out = ObjectFileWriter.open(store, dest, ObjectFileWriter.DEFAULT_MAX_AHEAD_BYTES, keeper.writesInline());
        } catch (IOException | RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
        // A file that cannot be written (disk full, a block in our store that no longer matches its CID) ends the get
        // at once instead of after the whole object has been fetched.
        out.outcome().whenComplete((written, failure) -> {
            if (failure != null) {
                scheduler.execute(() -> transfers.writerFailed(root, out, new IOException(dest + ": " + failure.getMessage(), failure)));
            }
        });
        return fetch(root, out).handle((m, failure) -> {
            if (failure == null) return out.finish();
            out.abort();
            return CompletableFuture.<Path>failedFuture(failure);
        }).thenCompose(f -> f);
    }

    private CompletableFuture<ObjectManifest> fetch(Bytes root) {
        return fetch(root, null);
    }

    private CompletableFuture<ObjectManifest> fetch(Bytes root, ObjectFileWriter writer) {
        CompletableFuture<ObjectManifest> done = new CompletableFuture<>();
        onScheduler(done, () -> transfers.get(root, done, writer));
        return done;
    }

    /** Closes the connection (after what is queued is delivered). */
    public void close(String reason) {
        scheduler.execute(() -> shutdown(reason, true));
    }

    // ------------------------------------------------------------------------------------------
    // Observation

    public SbiCounters counters() {
        return new SbiCounters(messagesIn, messagesOut, bytesIn, bytesOut, acksSent, acksReceived, nacksSent,
                nacksReceived, blocksStored, blocksSent, blocksRejected, transfers.offersEvicted());
    }

    /** True once both HANDSHAKEs passed the capability check. */
    public boolean isReady() {
        return ready;
    }

    public boolean isClosed() {
        return closedReason != null;
    }

    /** Why the connection closed, or null while open. */
    public String closedReason() {
        return closedReason;
    }

    /** The remote's HANDSHAKE, or null before it arrived. */
    public SbiHandshake remoteHandshake() {
        return remote;
    }

    /** comp_algo this peer uses for BLOCK_PUTs it sends (0 none, 1 deflate, 2 zstd). */
    public int compression() {
        return compression.id();
    }

    /** Bytes held for the incoming message in progress: at most 5 until a frame_len passed the check. */
    public int bufferedBytes() {
        return framer.bufferedBytes();
    }

    public ContentStore store() {
        return store;
    }

    // ------------------------------------------------------------------------------------------
    // Receiving

    @Override
    public void onBytes(byte[] chunk) {
        if (closedReason != null) return;
        lastHeard = now();
        bytesIn += chunk.length;
        framer.feed(chunk, receiver);
    }

    /** The framer hands each whole message over as its own array; a bad frame_len has stopped it. */
    private final SbiFramer.Sink receiver = new SbiFramer.Sink() {
        @Override
        public boolean message(MemorySegment seg, long off, int len, boolean inInput) {
            // A message the framer assembled is already an array of its own; one in the chunk is copied out.
            onMessage(!inInput && off == 0 && seg.heapBase().orElse(null) instanceof byte[] own && own.length == len
                    ? own : seg.asSlice(off, len).toArray(ValueLayout.JAVA_BYTE));
            return closedReason == null;
        }

        @Override
        public void frameLenRejected(long frameLen, boolean atStreamStart) {
            badFrameLen(frameLen, atStreamStart && SbiLimits.startsLikeJson(frameLen));
        }
    };

    @Override
    public void onClosed(String reason) {
        shutdown(reason, false);
    }

    private void badFrameLen(long frameLen, boolean legacyJson) {
        long index = inIndex++;
        String detail = SbiLimits.frameLenOutOfRange(frameLen);
        if (legacyJson) {
            event("legacy JSON peer: the stream starts with '{'");
            detail += ": legacy JSON peer";
        }
        nack(SbiError.INVALID_FRAME_SIZE, index, detail);
    }

    /** One whole message: the envelope is in range; op, fingerprint, then the container are checked (SbiAdmission, as the tap). */
    private void onMessage(byte[] bytes) {
        long index = inIndex++;
        messagesIn++;
        switch (SbiAdmission.judge(bytes)) {
            case SbiAdmission.Admitted(SbiMessage m) -> dispatch(index, m.container());
            case SbiAdmission.Refused(SbiErrorCode error, String detail) -> nack(SbiError.of(error), index, detail);
        }
    }

    private void dispatch(long index, SbiContainer c) {
        if (remote == null && SbiAdmission.needsHandshakeFirst(c.op())) {
            // One exchange, done or dead: data before the remote's HANDSHAKE has no agreed capabilities.
            event("protocol violation: " + opName(c.op()) + " before HANDSHAKE");
            shutdown("protocol violation: " + opName(c.op()) + " before HANDSHAKE", true);
            return;
        }
        switch (c) {
            case SbiHandshake h -> onHandshake(index, h);
            case SbiBlockWant w -> onBlockWant(index, w);
            case SbiBlockPut p -> onBlockPut(index, p);
            case SbiDagSync d -> transfers.onDagSync(index, d);
            case SbiAck a -> {
                acksReceived++;
                confirmDelivered(a.refSeq());
                transfers.onAck(a.refSeq());
            }
            case SbiNack n -> {
                nacksReceived++;
                confirmDelivered(n.refSeq());
                event("NACK received: " + n.error() + " (ref " + n.refSeq() + ")");
                transfers.onNack(n);
            }
            default -> nack(SbiError.UNKNOWN_OP, index, "op " + c.op());
        }
    }

    /** Bytes we sent that the transport has not taken in yet: a put feeds its blocks as this drains. */
    long streamBacklog() {
        return stream.queuedBytes();
    }

    /** The peer answered a request of ours with a message that is no ACK/NACK (a DAG_SYNC): see {@link SbiStream#peerAnswers}. */
    void peerAnswers() {
        stream.peerAnswers();
    }

    /** An answer to our message {@code ref} proves the peer has our stream up to its end: the transport may free that. */
    private void confirmDelivered(long ref) {
        long end = sentEnds.answered(ref);
        if (end > 0) stream.delivered(end);
    }

    private void onHandshake(long index, SbiHandshake h) {
        // The peer's HANDSHAKE can arrive before our side of the connection is open (our SYN was lost and
        // repeated): ours must still be the first message we send, before any reply or queued operation.
        start();
        if (remote != null) {
            event("duplicate HANDSHAKE ignored (ref " + index + ")");
            return;
        }
        remote = h;
        // We are the first side: the rule (either side's unmet requirements fail the exchange) is SbiNegotiation's.
        // A version other than ours fails the exchange as unmet requirements do: the same rule (SbiNegotiation) as the tap's.
        SbiNegotiation n = SbiNegotiation.of(config.capabilities(), config.required(), SbiConfig.VERSION,
                h.capabilities(), h.requiredFeatures(), h.version());
        long common = n.common();
        if (n.rejectedBy(SbiNegotiation.FIRST) && n.foreignVersion()) {
            nack(SbiError.MISSING_REQUIRED_FEATURES, index, "protocol version " + h.version() + ", we speak " + SbiConfig.VERSION);
            return;
        }
        if (n.rejectedBy(SbiNegotiation.FIRST)) {
            event("handshake failed: missing " + SbiConfig.capabilityNames(n.missing()) + " (common "
                    + SbiConfig.capabilityNames(common) + ")");
            nack(SbiError.MISSING_REQUIRED_FEATURES, index, "missing " + SbiConfig.capabilityNames(n.missing()));
            return;
        }
        negotiation = n;
        compression = n.compression();
        ready = true;
        event("handshake ok: common " + SbiConfig.capabilityNames(common) + ", compression " + compression.wireName());
        List<Runnable> queued = List.copyOf(untilReady);
        untilReady.clear();
        queued.forEach(Runnable::run);
    }

    private void onBlockWant(long index, SbiBlockWant w) {
        byte[] data;
        try {
            data = store.get(w.hash()).orElse(null);
        } catch (CorruptBlockException e) {
            // Quarantined: we no longer hold it, which is a normal answer (a later put of it repairs the store).
            event("store: " + e.getMessage());
            data = null;
        } catch (IOException e) {
            // The store failed, not the peer: no NACK (block_not_found would be a lie), close as the table says.
            event("store: " + e.getMessage());
            shutdown("local store failed: " + e.getMessage(), true);
            return;
        }
        if (data == null) {
            nack(SbiError.BLOCK_NOT_FOUND, index, "no block " + w.hash().hex());
            return;
        }
        sendBlock(w.hash(), transfers.chunkIndexHint(w.hash()), data);
    }

    private void onBlockPut(long index, SbiBlockPut p) {
        int algo = p.compAlgo();
        // deflate or zstd the HANDSHAKEs did not agree on (both sides' capabilities), as the tap's COMP_NOT_AGREED;
        // the reserved and experimental ids are the codec's to reject.
        if (SbiCompression.of(algo).isPresent() && (negotiation == null || !negotiation.allows(algo))) {
            rejectBlock(p, SbiError.UNSUPPORTED_COMPRESSION, index, compressionName(algo)
                    + " was not agreed in the HANDSHAKEs (common: " + SbiConfig.capabilityNames(negotiation == null ? 0 : negotiation.common()) + ")");
            return;
        }
        byte[] wire = p.data().toArray(); // a heap array: the codec decompresses from it without another copy
        if (codec == null) codec = new BlockCodec(SbiConfig.DECOMPRESS_LIMIT);
        Decompressed d = codec.decompress(algo, MemorySegment.ofArray(wire), 0, wire.length);
        if (!d.ok()) {
            SbiError error = switch (d.failure().outcome()) {
                case UNSUPPORTED_COMPRESSION -> SbiError.UNSUPPORTED_COMPRESSION;
                // Beyond the 16 MiB bound: not a block this protocol carries, and a DoS attempt: close.
                case TOO_LARGE -> SbiError.MALFORMED_CONTAINER;
                default -> SbiError.HASH_MISMATCH; // corrupt data cannot decompress to block_hash
            };
            rejectBlock(p, error, index, d.failure().detail());
            return;
        }
        MemorySegment plain = d.data();
        Verification v = codec.verifyDecompressed(d, wire.length, MemorySegment.ofArray(p.hash().toArray()), 0);
        if (!v.verified()) {
            Bytes actual = Bytes.of(Blake3.hash(plain, 0, plain.byteSize())); // the whole digest, for the event
            rejectBlock(p, SbiError.HASH_MISMATCH, index, "BLAKE3 of the " + plain.byteSize() + " uncompressed bytes is "
                    + actual.hex() + ", block_hash says " + p.hash().hex());
            return;
        }
        long plainSize = plain.byteSize();
        // The ACK means "kept": it is sent once the store has the block on disk (the keeper may write on
        // a thread of its own meanwhile, so answers to later messages can overtake it; ref_seq pairs them).
        byte[] data = plain.toArray(ValueLayout.JAVA_BYTE);
        keeper.keep(p.hash(), data, () -> {
            blocksStored++;
            if (closedReason != null) return;
            acksSent++;
            send(new SbiAck(index, 0));
            event("block stored: " + p.hash().hex() + " (chunk " + p.chunkIndex() + ", " + compressionName(algo) + " "
                    + wire.length + " -> " + plainSize + " bytes), ACK sent (ref " + index + ")");
            transfers.onBlockStored(p.hash(), data);
        }, e -> shutdown("local store failed: " + e.getMessage(), true)); // not the peer's fault: no NACK
    }

    private void rejectBlock(SbiBlockPut p, SbiError error, long index, String detail) {
        blocksRejected++;
        nack(error, index, detail);
        transfers.onBlockRejected(p.hash(), error.wireName() + ": " + detail);
    }

    // ------------------------------------------------------------------------------------------
    // Sending (package-private for ObjectTransfers)

    /** Encodes and sends one message; returns its msg_index in our direction. */
    long send(SbiContainer c) {
        byte[] bytes = SbiMessage.of(c, Bytes.of(SchemaFingerprints.forOp(c.op()))).encode();
        long index = outIndex++;
        messagesOut++;
        bytesOut += bytes.length;
        sentEnds.record(index, bytesOut);
        stream.send(bytes);
        return index;
    }

    /**
     * Test-peer fault injection, for sample captures and tests only: every BLOCK_PUT whose hash
     * {@code which} accepts carries its content with one byte flipped (the middle one) after hashing,
     * so a receiver's BLAKE3 check fails and it NACKs hash_mismatch. A real peer never sets this.
     */
    public void corruptBlocksForTesting(Predicate<Bytes> which) {
        this.corruptBlocks = Objects.requireNonNull(which);
    }

    /** BLOCK_PUT of a stored block, compressed by the agreed algorithm when that shrinks it. */
    long sendBlock(Bytes cid, long chunkIndex, byte[] block) {
        if (block.length > 0 && corruptBlocks.test(cid)) {
            block = block.clone();
            block[block.length / 2] ^= 0x20;
            event("test hook: BLOCK_PUT " + cid.hex() + " sent with byte " + block.length / 2 + " flipped");
        }
        BlockCodec.Compressed c = looksIncompressible(block, compression)
                ? new BlockCodec.Compressed(SbiCompression.NONE, 0, block)
                : BlockCodec.compress(block, compression);
        blocksSent++;
        return send(new SbiBlockPut(cid, chunkIndex, c.algoId(), c.level(), Bytes.of(c.data())));
    }

    /** A block this large is first tried by its first {@value #SAMPLE} bytes. */
    private static final int SAMPLE = 4096;

    /**
     * Whether the block's first {@value #SAMPLE} bytes do not shrink under {@code algo}: then the whole block is
     * sent raw without trying (zstd spent 140-270 µs on each random 64 KiB block here, about a tenth of a put's
     * CPU, to send it raw anyway; issue 12 item 8). A block whose head is random but whose rest would compress is
     * sent raw too: it stays correct, only larger.
     */
    private static boolean looksIncompressible(byte[] block, SbiCompression algo) {
        if (algo == SbiCompression.NONE || block.length < 4 * SAMPLE) return false;
        byte[] head = java.util.Arrays.copyOf(block, SAMPLE);
        return BlockCodec.compress(head, algo).algo() == SbiCompression.NONE;
    }

    void nack(SbiError error, long ref, String detail) {
        if (closedReason != null) return;
        nacksSent++;
        send(new SbiNack(ref, error.code(), error.wireName()));
        event("NACK sent: " + error.wireName() + " (ref " + ref + "): " + detail);
        if (error.closes()) shutdown(error.wireName() + ": " + detail, true);
    }

    void event(String text) {
        for (SbiListener l : listeners) l.onEvent(text);
    }

    void objectComplete(ObjectManifest m) {
        event("object complete: " + m.root().hex() + " (" + m.chunks().size() + " chunks)");
        for (SbiListener l : listeners) l.onObjectComplete(m);
    }

    boolean closed() {
        return closedReason != null;
    }

    private void shutdown(String reason, boolean local) {
        if (closedReason != null) return;
        closedReason = reason;
        framer.stop();
        // Close our direction too when the peer ended its own: a half-open connection would keep
        // the peer's CellID busy until the idle timeout. (Closing sends FIN after what is queued.)
        stream.close(reason);
        event("closed: " + reason);
        transfers.failAll(new IOException("connection closed: " + reason));
        untilReady.clear();
        if (codec != null) codec.close();
    }

    /**
     * Starts the silence watch when we begin waiting for answers: from then on, hearing nothing
     * for {@link SbiPeerLimits#silenceTimeoutNanos} while something still awaits an answer closes
     * the connection (a put to a peer that died would otherwise wait for its whole timeout).
     */
    void awaitAnswers() {
        if (watching || limits.silenceTimeoutNanos() == 0 || closedReason != null) return;
        watching = true;
        lastHeard = Math.max(lastHeard, now());
        scheduler.schedule(Math.min(1_000_000_000L, limits.silenceTimeoutNanos()), this::checkSilence);
    }

    private void checkSilence() {
        if (closedReason != null) return;
        if (!transfers.awaitingAnswers() && untilReady.isEmpty()) {
            watching = false;
            return;
        }
        long quiet = now() - lastHeard;
        if (quiet >= limits.silenceTimeoutNanos()) {
            shutdown("the peer has not answered for " + quiet / 1_000_000_000L + " s (is it still running?)", true);
            return;
        }
        scheduler.schedule(Math.min(1_000_000_000L, limits.silenceTimeoutNanos() - quiet), this::checkSilence);
    }

    private long now() {
        return scheduler.clock().nanos();
    }

    /** Runs {@code task} on the scheduler once the handshake is done; fails {@code f} if the connection closes first. */
    private void onScheduler(CompletableFuture<?> f, Runnable task) {
        scheduler.execute(() -> {
            if (closedReason != null) {
                f.completeExceptionally(new IOException("connection closed: " + closedReason));
            } else if (ready) {
                task.run();
            } else {
                untilReady.add(task);
                transfers.track(f);
                awaitAnswers();
            }
        });
    }

    private static String opName(int op) {
        return SbiOps.nameOrHex(op);
    }

    private static String compressionName(int algo) {
        return SbiCompression.of(algo).map(SbiCompression::wireName).orElse("comp_algo " + algo);
    }

    @FunctionalInterface
    private interface IoSupplier<T> {
        T get() throws IOException;
    }

    private static <T> T io(IoSupplier<T> s) {
        try {
            return s.get();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
