package dev.cellscope.blocks;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import dev.cellscope.blocks.Verification.Outcome;
import dev.cellscope.crypto.Blake3;
import dev.cellscope.crypto.Blake3Engine;
import dev.cellscope.protocol.sbi.SbiCompression;
import dev.cellscope.protocol.sbi.SbiLimits;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

/**
 * The UTCP-SBI block codec, shared by the tap and the peer: {@link #compress} for a sender,
 * bounded {@link #decompress} and BLAKE3 {@link #verify} for a receiver (PROTOCOLS.md
 * section 4): {@code BLAKE3(decompress(DATA)) == block_hash}, always over the uncompressed
 * bytes, where comp_algo is 0 none, 1 deflate (a zlib-wrapped RFC 1950 stream, as browsers'
 * {@code CompressionStream("deflate")} produce), 2 zstd (frame format, RFC 8878); 3–14
 * (reserved), 15 (experimental) and any other value are rejected.
 *
 * <h2>Bounded, never allocated</h2>
 * A block may hold at most {@link #limit()} uncompressed bytes (default {@link #DEFAULT_LIMIT},
 * 16 MiB). The output buffer is reused across calls and grows on demand (×4 steps, a step past
 * half the limit straight to limit + 1), so small blocks never cost the limit, and no call ever holds more
 * than limit + 1 output bytes: a block that would inflate beyond the limit is stopped at
 * limit + 1 bytes and reported {@link Outcome#TOO_LARGE}.
 * <ul>
 * <li><b>zstd</b>: the frame headers are read first (in Java, no copy: magic, Frame_Content_Size,
 *     block headers to find where each frame ends). If the declared sizes add up to more than the
 *     limit the block is rejected before anything is decompressed. If every frame declares its
 *     size, the data is decompressed in one shot into a buffer of exactly that size (libzstd
 *     checks each frame's real size against its declaration, so a lying header is
 *     {@link Outcome#CORRUPT}). If some frame has no declared size (a streaming compressor wrote
 *     it) or the headers cannot be followed, the data is decompressed with the streaming decoder
 *     into the bounded buffer and stopped as soon as it passes the limit; libzstd then also has
 *     the last word on corruption. The streaming decoder's window is capped at the limit
 *     (windowLog ⌈log2 limit⌉, at least 23 so every standard level 1–19 fits, at most 27): a frame
 *     asking for a larger window is {@link Outcome#TOO_LARGE}, since a block within the limit never
 *     needs it.</li>
 * <li><b>Concatenated and skippable zstd frames</b> [decided]: accepted, as libzstd and the
 *     {@code zstd} CLI do (RFC 8878 section 3.1): the uncompressed block is the concatenation of
 *     the frames' contents, skippable frames contribute nothing, and the limit applies to the
 *     total. Data holding only skippable frames (no zstd frame at all) and any bytes after the
 *     last frame that are not a frame are {@link Outcome#CORRUPT}.</li>
 * <li><b>deflate</b>: the zlib header is checked by hand (CM 8, CINFO ≤ 7, FCHECK), so a raw
 *     deflate stream without it is {@link Outcome#CORRUPT} ("not a zlib stream"), as is a preset
 *     dictionary (FDICT), which UTCP-SBI does not define. {@link Inflater} (zlib wrapper) inflates
 *     into the bounded buffer and checks the Adler-32 trailer (a {@link ZlibEngine} service, native-tap's libdeflate,
 *     inflates valid streams first, about 2-3× faster; anything it does not accept goes through {@code Inflater},
 *     so verdicts and details are the same with or without it); a stream that ends before its end
 *     code and trailer is "truncated". [decided] <b>Bytes after the end of the zlib stream</b> are
 *     {@link Outcome#CORRUPT}: DATA is exactly one stream, the hash covers only what it
 *     inflates to, so trailing bytes would be unauthenticated cargo (and browsers'
 *     {@code DecompressionStream} reject them too).</li>
 * <li><b>none</b>: the data is hashed where it lies (no copy); more than the limit is
 *     {@link Outcome#TOO_LARGE} too, for one rule across algorithms.</li>
 * </ul>
 *
 * <h2>Speed</h2>
 * One verifier per worker thread: it keeps a {@link ZstdDecompressCtx} and an {@link Inflater}
 * (both created on first use, so zstd's native library is only loaded when a zstd block shows
 * up; if it cannot load, zstd blocks are {@link Outcome#UNSUPPORTED_COMPRESSION} with the reason),
 * the output buffer, an input buffer and the digest array. A heap segment's array is handed to
 * the decoders directly ({@link MemorySegment#heapBase()}); other segments are copied into the
 * reused input buffer. A verified block costs no allocation beyond the {@link Verification}
 * record (its detail is a constant); failures build their sentence. Hashing goes through
 * {@link Blake3#engine()}, whichever engine that is.
 *
 * <p>Not thread-safe. {@link #close()} frees the native zstd and zlib state.
 */
public final class BlockCodec implements AutoCloseable {
    /** Largest uncompressed block, 16 MiB (PROTOCOLS.md section 4, [decided]). */
    public static final int DEFAULT_LIMIT = SbiLimits.DEFAULT_DECOMPRESS_LIMIT;
    /** Largest limit a codec accepts (limit + 1 must fit in a Java array comfortably). */
    public static final int MAX_LIMIT = SbiLimits.MAX_DECOMPRESS_LIMIT;

    public static final int COMP_NONE = SbiCompression.NONE.id();
    public static final int COMP_DEFLATE = SbiCompression.DEFLATE.id();
    public static final int COMP_ZSTD = SbiCompression.ZSTD.id();
    /** comp_algo 15: experimental, rejected by receivers. */
    public static final int COMP_EXPERIMENTAL = SbiCompression.EXPERIMENTAL.id();

    /** The detail of every {@link Outcome#VERIFIED} result (a constant: no allocation). */
    public static final String VERIFIED_DETAIL = "BLAKE3 of the uncompressed bytes matches block_hash";

    /** First output buffer for a stream of unknown size (then ×4 steps). */
    static final int MIN_STEP = 64 * 1024;

    private static final int ZSTD_MAGIC = 0xFD2FB528;
    private static final int ZSTD_SKIPPABLE_MASK = 0xFFFFFFF0;
    private static final int ZSTD_SKIPPABLE_MAGIC = 0x184D2A50;
    private static final int[] ZSTD_DICT_ID_SIZE = {0, 1, 2, 4};
    private static final HexFormat HEX = HexFormat.of();

    private final int limit;
    private final String limitText;
    private final int windowLogMax;

    private byte[] out = new byte[0];
    private MemorySegment outSeg = MemorySegment.ofArray(out);
    private ByteBuffer outBuf; // wraps out, for the zstd streaming decoder; rebuilt when out grows
    private byte[] in = new byte[0]; // copy of non-heap input
    private ByteBuffer srcBuf; // cached wrapper of srcBufArray (streaming zstd only)
    private byte[] srcBufArray;

    private final byte[] digest = new byte[Blake3Engine.OUT_LEN];
    private final MemorySegment digestSeg = MemorySegment.ofArray(digest);

    private ZstdDecompressCtx zstd;
    private String zstdUnavailable;
    private Inflater inflater;
    private boolean closed;

    // The current input, as an array range (the caller's heap array, or `in`).
    private byte[] srcArr;
    private int srcOff;

    // Failure channel of the decoders (a decoder returns -1 and fills these).
    private Outcome failOutcome;
    private long failSize;
    private String failDetail;

    private final ZlibEngine zlibEngine;
    private ZlibEngine.Decoder fastZlib;

    /** A verifier with the 16 MiB limit. */
    public BlockCodec() {
        this(DEFAULT_LIMIT);
    }

    /** A verifier with the given limit and the installed {@link ZlibEngine}, if any (see {@link #zlibEngineName()}). */
    public BlockCodec(int limit) {
        this(limit, FastZlib.ENGINE);
    }

    /**
     * A verifier that rejects blocks of more than {@code limit} uncompressed bytes.
     *
     * {@code zlib} inflates deflate blocks first (null: {@link Inflater} only); whenever it does not succeed,
     * {@code Inflater} decides, so results never depend on it (tests compare both).
     *
     * @throws IllegalArgumentException unless {@code 0 <= limit <= MAX_LIMIT}
     */
    public BlockCodec(int limit, ZlibEngine zlib) {
        this.zlibEngine = zlib;
        if (limit < 0 || limit > MAX_LIMIT) {
            throw new IllegalArgumentException("limit must be in [0, " + MAX_LIMIT + "], got " + limit);
        }
        this.limit = limit;
        this.limitText = sizeText(limit);
        int log = 64 - Long.numberOfLeadingZeros(Math.max(1, limit) - 1L); // ceil(log2 limit)
        this.windowLogMax = Math.min(27, Math.max(23, log));
    }

    /** The largest uncompressed block this verifier accepts. */
    public int limit() {
        return limit;
    }

    /** Current output buffer size, for tests: never above limit + 1. */
    int bufferCapacity() {
        return out.length;
    }

    // ------------------------------------------------------------------------------------------
    // Public API

    /**
     * Decompresses {@code len} bytes of {@code data} from {@code off} (comp_algo {@code compAlgo})
     * and checks BLAKE3 of the result against the 32 bytes of {@code hash} at {@code hashOff}.
     * Never throws for bad data; only for bad arguments (ranges outside the segments) or use
     * after {@link #close()}.
     */
    public Verification verify(int compAlgo, MemorySegment data, long off, int len, MemorySegment hash, long hashOff) {
        Objects.checkFromIndexSize(hashOff, Blake3Engine.OUT_LEN, hash.byteSize());
        MemorySegment plain;
        long plainOff;
        long plainLen;
        if (compAlgo == COMP_NONE) {
            ensureOpen();
            Objects.checkFromIndexSize(off, len, data.byteSize());
            if (len > limit) return noneTooLarge(len);
            plain = data;
            plainOff = off;
            plainLen = len;
        } else {
            int n = decode(compAlgo, data, off, len);
            if (n < 0) return failure(len);
            plain = outSeg;
            plainOff = 0;
            plainLen = n;
        }
        return checkHash(len, plain, plainOff, plainLen, hash, hashOff);
    }

    /**
     * Checks BLAKE3 of what {@link #decompress} returned ({@code d.ok()}) against the 32 bytes of
     * {@code hash} at {@code hashOff}: {@link Outcome#VERIFIED} or {@link Outcome#HASH_MISMATCH}.
     * For a receiver that keeps the uncompressed bytes (the peer stores them).
     *
     * @param compressedSize length of DATA as carried on the wire, for the result
     */
    public Verification verifyDecompressed(Decompressed d, int compressedSize, MemorySegment hash, long hashOff) {
        if (!d.ok()) throw new IllegalArgumentException("nothing was decompressed: " + d.failure().detail());
        ensureOpen();
        Objects.checkFromIndexSize(hashOff, Blake3Engine.OUT_LEN, hash.byteSize());
        return checkHash(compressedSize, d.data(), 0, d.data().byteSize(), hash, hashOff);
    }

    private Verification checkHash(int len, MemorySegment plain, long plainOff, long plainLen, MemorySegment hash, long hashOff) {
        Blake3.engine().hash(plain, plainOff, plainLen, digest);
        if (MemorySegment.mismatch(digestSeg, 0, Blake3Engine.OUT_LEN, hash, hashOff, hashOff + Blake3Engine.OUT_LEN) < 0) {
            return new Verification(Outcome.VERIFIED, len, plainLen, VERIFIED_DETAIL);
        }
        byte[] said = hash.asSlice(hashOff, Blake3Engine.OUT_LEN).toArray(ValueLayout.JAVA_BYTE);
        return new Verification(Outcome.HASH_MISMATCH, len, plainLen,
                "BLAKE3 of the " + plainLen + " uncompressed bytes is " + shortHex(digest)
                        + ", block_hash says " + shortHex(said));
    }

    /** {@link #verify(int, MemorySegment, long, int, MemorySegment, long)} over whole arrays. */
    public Verification verify(int compAlgo, byte[] data, byte[] hash) {
        return verify(compAlgo, MemorySegment.ofArray(data), 0, data.length, MemorySegment.ofArray(hash), 0);
    }

    /**
     * Decompresses {@code len} bytes of {@code data} from {@code off} within the limit. On
     * success the result views the reused output buffer (for comp_algo 0, {@code data} itself),
     * valid until the next call on this verifier.
     */
    public Decompressed decompress(int compAlgo, MemorySegment data, long off, int len) {
        if (compAlgo == COMP_NONE) {
            ensureOpen();
            Objects.checkFromIndexSize(off, len, data.byteSize());
            if (len > limit) return new Decompressed(null, noneTooLarge(len));
            return new Decompressed(data.asSlice(off, len), null);
        }
        int n = decode(compAlgo, data, off, len);
        if (n < 0) return new Decompressed(null, failure(len));
        return new Decompressed(outSeg.asSlice(0, n), null);
    }

    /** {@link #decompress(int, MemorySegment, long, int)} over a whole array. */
    public Decompressed decompress(int compAlgo, byte[] data) {
        return decompress(compAlgo, MemorySegment.ofArray(data), 0, data.length);
    }

    /** What goes into a BLOCK_PUT: comp_algo, comp_level and DATA. */
    public record Compressed(SbiCompression algo, int level, byte[] data) {
        public int algoId() {
            return algo.id();
        }
    }

    /**
     * Compresses {@code block} for a BLOCK_PUT with {@code algo} at its sender level (zstd 3, frame
     * format; deflate 6, zlib-wrapped RFC 1950). A block that does not shrink is sent raw (comp_algo
     * 0, level 0): already-compressed content would only grow and cost the receiver a pointless
     * decompression. Needs no codec instance (no state is kept).
     */
    public static Compressed compress(byte[] block, SbiCompression algo) {
        byte[] packed = switch (algo) {
            case ZSTD -> Zstd.compress(block, algo.senderLevel());
            case DEFLATE -> deflate(block, algo.senderLevel());
            case NONE, EXPERIMENTAL -> null;
        };
        if (packed == null || packed.length >= block.length) return new Compressed(SbiCompression.NONE, 0, block);
        return new Compressed(algo, algo.senderLevel(), packed);
    }

    private static byte[] deflate(byte[] block, int level) {
        Deflater d = new Deflater(level); // nowrap=false: zlib header and Adler-32 trailer
        try {
            d.setInput(block);
            d.finish();
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(block.length / 2 + 64);
            byte[] buf = new byte[16 * 1024];
            while (!d.finished()) out.write(buf, 0, d.deflate(buf));
            return out.toByteArray();
        } finally {
            d.end();
        }
    }

    /**
     * Loads zstd's and BLAKE3's native libraries now rather than at the first block. For a process
     * about to give up root ({@code probe -Z}): both are unpacked from their jars on first use, and
     * the jars (under root's Maven repository or a root-only directory) may no longer be readable
     * by the user afterwards. Returns why zstd cannot load, if it cannot; never throws.
     */
    public static Optional<String> loadNativeLibraries() {
        Blake3.engine();
        try (ZstdDecompressCtx ctx = new ZstdDecompressCtx()) {
            return Optional.empty();
        } catch (LinkageError | RuntimeException e) {
            return Optional.of("native library failed to load: " + e);
        }
    }

    /**
     * Makes the first block cheap: zstd-jni on Java 22+ calls libzstd through FFM, and its first call
     * links every downcall (about 30 handles, each spinning lambda forms): 0.2-0.25 s of one core on the
     * 2-vCPU bench machine, which the AOT cache does not keep. A 1 MB put spent that between the DAG_SYNC
     * answer and its first BLOCK_PUT, a quarter of its transfer (issue 12 item 8, bench/README.md). This
     * compresses and decompresses a small block and hashes it, on the calling thread; returns the
     * nanoseconds it took. Never throws (a codec that cannot load fails later, where it is reported).
     */
    public static long warmUp() {
        long t0 = System.nanoTime();
        try {
            byte[] sample = new byte[4096];
            for (int i = 0; i < sample.length; i++) sample[i] = (byte) (i % 7); // compressible: both directions run
            byte[] packed = Zstd.compress(sample, SbiCompression.ZSTD.senderLevel());
            try (BlockCodec codec = new BlockCodec()) {
                codec.decompress(SbiCompression.ZSTD.id(), packed);
            }
            Blake3.hash(sample);
        } catch (LinkageError | RuntimeException e) {
            // reported at the first real block
        }
        return System.nanoTime() - t0;
    }

    /**
     * {@link #warmUp} on a daemon thread of its own, started now: for a process about to connect, so the
     * linking overlaps start-up and the handshake round trips instead of delaying the first block.
     */
    public static Thread warmUpInBackground() {
        Thread t = new Thread(BlockCodec::warmUp, "codec-warm-up");
        t.setDaemon(true);
        t.setPriority(Thread.MIN_PRIORITY);
        t.start();
        return t;
    }

    /** Frees the native zstd and zlib state; the codec cannot be used afterwards. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        if (zstd != null) zstd.close();
        if (inflater != null) inflater.end();
        if (fastZlib != null) fastZlib.close();
        fastZlib = null;
        zstd = null;
        inflater = null;
    }

    // ------------------------------------------------------------------------------------------
    // Dispatch

    /** Decompresses into {@code out}; returns the size, or -1 with the fail* fields set. */
    private int decode(int compAlgo, MemorySegment data, long off, int len) {
        ensureOpen();
        Objects.checkFromIndexSize(off, len, data.byteSize());
        if (compAlgo != COMP_DEFLATE && compAlgo != COMP_ZSTD) return fail(Outcome.UNSUPPORTED_COMPRESSION, -1, unsupportedText(compAlgo));
        if (compAlgo == COMP_ZSTD && zstdCtx() == null) {
            return fail(Outcome.UNSUPPORTED_COMPRESSION, -1, "zstd is not available here (" + zstdUnavailable + ")");
        }
        if (data.heapBase().orElse(null) instanceof byte[] array) {
            // For a heap segment, address() is the segment's start within the array.
            srcArr = array;
            srcOff = Math.toIntExact(data.address() + off);
        } else {
            if (in.length < len) in = new byte[len];
            MemorySegment.copy(data, ValueLayout.JAVA_BYTE, off, in, 0, len);
            srcArr = in;
            srcOff = 0;
        }
        try {
            return compAlgo == COMP_ZSTD ? unzstd(len) : inflate(len);
        } finally {
            srcArr = null; // do not keep the caller's array alive
        }
    }

    static String unsupportedText(int compAlgo) {
        if (compAlgo == COMP_EXPERIMENTAL) return "comp_algo 15 (experimental) is rejected";
        if (SbiCompression.reserved(compAlgo)) return "comp_algo " + compAlgo + " (reserved) is rejected";
        return "comp_algo " + compAlgo + " is not a known compression (0 none, 1 deflate, 2 zstd) and is rejected";
    }

    // ------------------------------------------------------------------------------------------
    // deflate (zlib-wrapped)

    private int inflate(int len) {
        byte[] a = srcArr;
        int o = srcOff;
        if (len == 0) return fail(Outcome.CORRUPT, -1, "deflate data is empty (no zlib stream)");
        if (len < 2) return fail(Outcome.CORRUPT, -1, "deflate stream is truncated (1 byte, shorter than the zlib header)");
        int cmf = a[o] & 0xFF;
        int flg = a[o + 1] & 0xFF;
        int header = cmf << 8 | flg;
        if ((cmf & 0x0F) != 8 || (cmf >>> 4) > 7 || header % 31 != 0) {
            return fail(Outcome.CORRUPT, -1, String.format("deflate data is not a zlib stream (header 0x%04x)", header));
        }
        if ((flg & 0x20) != 0) {
            return fail(Outcome.CORRUPT, -1, "zlib stream asks for a preset dictionary (FDICT), which UTCP-SBI does not define");
        }
        if (zlibEngine != null) {
            int n = fastInflate(a, o, len);
            if (n >= 0) return n;
        }
        Inflater inf = inflater;
        if (inf == null) inf = inflater = new Inflater(false);
        inf.reset();
        inf.setInput(a, o, len);
        ensureOut(Math.min(limit + 1L, Math.max(MIN_STEP, 4L * len)));
        int pos = 0;
        try {
            while (true) {
                int cap = Math.min(out.length, limit + 1);
                if (pos == cap) {
                    if (pos > limit) return bomb(pos);
                    growOut(pos);
                    continue;
                }
                int before = inf.getRemaining();
                int n = inf.inflate(out, pos, cap - pos);
                pos += n;
                if (inf.finished()) break;
                if (n == 0) {
                    if (inf.needsDictionary()) {
                        return fail(Outcome.CORRUPT, -1, "zlib stream asks for a preset dictionary, which UTCP-SBI does not define");
                    }
                    if (inf.needsInput()) {
                        return fail(Outcome.CORRUPT, -1, "deflate stream is truncated (ends after " + pos + " uncompressed bytes)");
                    }
                    if (inf.getRemaining() == before) {
                        return fail(Outcome.CORRUPT, -1, "deflate decoder made no progress");
                    }
                }
            }
        } catch (DataFormatException e) {
            return fail(Outcome.CORRUPT, -1, "deflate data is corrupt: " + e.getMessage());
        }
        if (pos > limit) return bomb(pos);
        int rest = inf.getRemaining();
        if (rest > 0) {
            return fail(Outcome.CORRUPT, -1, rest + " byte" + (rest == 1 ? "" : "s")
                    + " follow the end of the zlib stream (DATA must be exactly one stream)");
        }
        return pos;
    }

    /**
     * The {@link ZlibEngine}'s try: the size of a valid stream of at most {@code limit} bytes, else -1 (then
     * {@link Inflater} decides, and diagnoses). Output grows as for {@code Inflater}, never past limit + 1.
     */
    private int fastInflate(byte[] a, int o, int len) {
        ZlibEngine.Decoder d = fastZlib;
        if (d == null) {
            try {
                d = fastZlib = zlibEngine.newDecoder();
            } catch (RuntimeException | LinkageError e) {
                return -1;
            }
        }
        ensureOut(Math.min(limit + 1L, Math.max(MIN_STEP, 4L * len)));
        while (true) {
            int cap = Math.min(out.length, limit); // more than the limit is Inflater's to report
            int n = d.inflate(a, o, len, out, cap);
            if (n >= 0) return n;
            if (n != ZlibEngine.NO_ROOM || cap >= limit) return -1;
            growOut(0);
        }
    }

    /** The name of the zlib engine deflate blocks go through first, or "java.util.zip.Inflater". */
    public static String zlibEngineName() {
        return FastZlib.ENGINE == null ? "java.util.zip.Inflater" : FastZlib.ENGINE.name();
    }

    /**
     * The first available {@link ZlibEngine} service (native-tap's libdeflate), looked up once, or null;
     * {@code -Dcellscope.zlib=java} keeps {@code Inflater} alone. A provider that fails to load is skipped.
     */
    private static final class FastZlib {
        static final ZlibEngine ENGINE = select();

        private static ZlibEngine select() {
            if ("java".equals(System.getProperty("cellscope.zlib"))) return null;
            try {
                Iterator<ZlibEngine> it = ServiceLoader.load(ZlibEngine.class).iterator();
                for (int i = 0; i < 16; i++) { // bounded: an iterator that keeps failing must not loop forever
                    try {
                        if (!it.hasNext()) return null;
                        ZlibEngine e = it.next();
                        if (e.available()) return e;
                    } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                        Blake3.rethrowIfTheJvmFailed(e); // out of heap is not a broken provider
                        // skip this provider
                    }
                }
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                return null;
            }
            return null;
        }
    }

    // ------------------------------------------------------------------------------------------
    // zstd

    /** Outcome of {@link #scanZstd}: total declared, or one of these. */
    private static final long SCAN_STREAM = -1; // some size unknown, or headers not followable
    private static final long SCAN_FAILED = -2; // fail* fields set

    private int unzstd(int len) {
        if (len == 0) return fail(Outcome.CORRUPT, -1, "zstd data is empty (no frame)");
        long declared = scanZstd(srcArr, srcOff, len);
        if (declared == SCAN_FAILED) return -1;
        ZstdDecompressCtx ctx = zstd;
        if (declared == SCAN_STREAM) return zstdStream(ctx, len);
        int n = (int) declared;
        ensureOut(n);
        try {
            int got = ctx.decompressByteArray(out, 0, n, srcArr, srcOff, len);
            if (got != n) {
                return fail(Outcome.CORRUPT, -1, "zstd data is corrupt: frames declare " + n + " bytes but hold " + got);
            }
            return got;
        } catch (ZstdException e) {
            return zstdError(e);
        }
    }

    /**
     * Walks the frames of {@code a[o, o+len)}: returns the total declared content size if every
     * frame declares one and the structure is sound, {@link #SCAN_STREAM} if the streaming
     * decoder has to find out, or {@link #SCAN_FAILED} (a bomb by declaration, or no zstd frame).
     */
    private long scanZstd(byte[] a, int o, int len) {
        long p = o;
        long end = (long) o + len;
        long total = 0;
        int frames = 0;
        boolean unknown = false;
        while (p < end) {
            if (p + 4 > end) return SCAN_STREAM;
            int magic = le32(a, (int) p);
            if ((magic & ZSTD_SKIPPABLE_MASK) == ZSTD_SKIPPABLE_MAGIC) {
                if (p + 8 > end) return SCAN_STREAM;
                p += 8 + (le32(a, (int) p + 4) & 0xFFFFFFFFL);
                if (p > end) return SCAN_STREAM;
                continue;
            }
            if (magic != ZSTD_MAGIC) return SCAN_STREAM;
            p += 4;
            if (p >= end) return SCAN_STREAM;
            int fhd = a[(int) p++] & 0xFF;
            int fcsFlag = fhd >>> 6;
            boolean single = (fhd & 0x20) != 0;
            boolean checksum = (fhd & 0x04) != 0;
            if ((fhd & 0x08) != 0) return SCAN_STREAM; // reserved bit: libzstd will say so
            if (!single) p++; // window descriptor
            p += ZSTD_DICT_ID_SIZE[fhd & 3];
            int fcsSize = fcsFlag == 0 ? (single ? 1 : 0) : 1 << fcsFlag;
            if (p + fcsSize > end) return SCAN_STREAM;
            int q = (int) p;
            long fcs = switch (fcsSize) {
                case 0 -> -1;
                case 1 -> a[q] & 0xFF;
                case 2 -> ((a[q] & 0xFF) | (a[q + 1] & 0xFF) << 8) + 256L;
                case 4 -> le32(a, q) & 0xFFFFFFFFL;
                default -> (le32(a, q) & 0xFFFFFFFFL) | (long) le32(a, q + 4) << 32;
            };
            p += fcsSize;
            frames++;
            if (fcsSize == 0) {
                unknown = true;
            } else {
                // An 8-byte size above 2^63 reads as negative: a bomb all the same.
                total = fcs < 0 || total + fcs < 0 ? Long.MAX_VALUE : total + fcs;
                if (total > limit) {
                    String size = frames == 1 ? Long.toUnsignedString(fcs)
                            : total == Long.MAX_VALUE ? "more than 2^63" : Long.toString(total);
                    return failLong(Outcome.TOO_LARGE, total == Long.MAX_VALUE ? -1 : total, (frames == 1
                            ? "zstd frame declares " + size + " bytes of content"
                            : "zstd frames declare " + size + " bytes of content in total")
                            + ", above the " + limitText + " limit (decompression bomb); not decompressed");
                }
            }
            // Blocks: 3-byte header (last, type, size) until the last block.
            while (true) {
                if (p + 3 > end) return SCAN_STREAM;
                int q2 = (int) p;
                int bh = (a[q2] & 0xFF) | (a[q2 + 1] & 0xFF) << 8 | (a[q2 + 2] & 0xFF) << 16;
                p += 3;
                int type = bh >>> 1 & 3;
                int size = bh >>> 3;
                if (type == 3) return SCAN_STREAM;
                p += type == 1 ? 1 : size;
                if (p > end) return SCAN_STREAM;
                if ((bh & 1) != 0) break;
            }
            if (checksum) p += 4;
            if (p > end) return SCAN_STREAM;
        }
        if (frames == 0) {
            return failLong(Outcome.CORRUPT, -1, "zstd data holds only skippable frames, no zstd frame");
        }
        return unknown ? SCAN_STREAM : total;
    }

    /** Streaming decode into the bounded buffer: for frames without a declared size. */
    private int zstdStream(ZstdDecompressCtx ctx, int len) {
        ByteBuffer src = sourceBuffer();
        src.clear();
        src.position(srcOff).limit(srcOff + len);
        ensureOut(Math.min(limit + 1L, Math.max(MIN_STEP, 4L * len)));
        ByteBuffer dst = outBuffer();
        dst.clear();
        dst.limit(Math.min(out.length, limit + 1));
        try {
            ctx.reset();
            ctx.setLongMax(windowLogMax);
            while (true) {
                if (!dst.hasRemaining()) {
                    int pos = dst.position();
                    if (pos > limit) return bomb(pos);
                    growOut(pos);
                    dst = outBuffer();
                    dst.clear();
                    dst.limit(Math.min(out.length, limit + 1)).position(pos);
                }
                int sp = src.position();
                int dp = dst.position();
                boolean done = ctx.decompressByteBufferStream(dst, src);
                if (done && !src.hasRemaining()) break;
                if (dst.hasRemaining()) {
                    if (!src.hasRemaining()) {
                        return fail(Outcome.CORRUPT, -1, "zstd data is truncated (ends after " + dst.position() + " uncompressed bytes)");
                    }
                    if (src.position() == sp && dst.position() == dp) {
                        return fail(Outcome.CORRUPT, -1, "zstd decoder made no progress");
                    }
                }
            }
        } catch (ZstdException e) {
            return zstdError(e);
        }
        int pos = dst.position();
        if (pos > limit) return bomb(pos);
        return pos;
    }

    private int zstdError(ZstdException e) {
        long code = Zstd.getErrorCode(e.getErrorCode());
        if (code == Zstd.errFrameParameterWindowTooLarge()) {
            return fail(Outcome.TOO_LARGE, -1, "zstd frame asks for a decoding window above the " + limitText
                    + " limit (windowLog > " + windowLogMax + "), which a block within the limit never needs; not decompressed");
        }
        String name = e.getMessage();
        if (name == null || name.isEmpty()) name = Zstd.getErrorName(e.getErrorCode());
        return fail(Outcome.CORRUPT, -1, "zstd data is corrupt: " + name);
    }

    private ZstdDecompressCtx zstdCtx() {
        if (zstd == null && zstdUnavailable == null) {
            try {
                zstd = new ZstdDecompressCtx();
            } catch (LinkageError | RuntimeException e) {
                zstdUnavailable = "native library failed to load: " + e;
            }
        }
        return zstd;
    }

    /** A ByteBuffer over the current source array, cached while the array stays the same. */
    private ByteBuffer sourceBuffer() {
        if (srcBuf == null || srcBufArray != srcArr) {
            srcBuf = ByteBuffer.wrap(srcArr);
            srcBufArray = srcArr;
        }
        return srcBuf;
    }

    private ByteBuffer outBuffer() {
        if (outBuf == null || outBuf.array() != out) outBuf = ByteBuffer.wrap(out);
        return outBuf;
    }

    // ------------------------------------------------------------------------------------------
    // Output buffer

    /** Makes {@code out} at least {@code n} bytes ({@code n <= limit + 1}); contents are dropped. */
    private void ensureOut(long n) {
        if (out.length >= n) return;
        long cap = Math.max(n, Math.min(limit + 1L, 2L * out.length));
        setOut(new byte[(int) cap]);
    }

    /**
     * Grows a full {@code out} ×4, keeping its first {@code keep} bytes; a step past half the
     * limit goes straight to limit + 1, so a bomb costs at most about 1.7× the limit in all.
     */
    private void growOut(int keep) {
        long next = Math.max(MIN_STEP, 4L * out.length);
        if (next > limit / 2) next = limit + 1L;
        byte[] bigger = new byte[(int) next];
        System.arraycopy(out, 0, bigger, 0, keep);
        setOut(bigger);
    }

    private void setOut(byte[] b) {
        out = b;
        outSeg = MemorySegment.ofArray(b);
    }

    // ------------------------------------------------------------------------------------------
    // Failures

    private int bomb(int reached) {
        return fail(Outcome.TOO_LARGE, reached, "inflates beyond the " + limitText
                + " limit (decompression bomb); stopped at " + reached + " bytes");
    }

    private Verification noneTooLarge(int len) {
        return new Verification(Outcome.TOO_LARGE, len, len,
                "block of " + len + " uncompressed bytes is above the " + limitText + " limit");
    }

    private int fail(Outcome outcome, long size, String detail) {
        failLong(outcome, size, detail);
        return -1;
    }

    private long failLong(Outcome outcome, long size, String detail) {
        failOutcome = outcome;
        failSize = size;
        failDetail = detail;
        return SCAN_FAILED;
    }

    private Verification failure(int compressedSize) {
        Verification v = new Verification(failOutcome, compressedSize, failSize, failDetail);
        failOutcome = null;
        failDetail = null;
        return v;
    }

    private void ensureOpen() {
        if (closed) throw new IllegalStateException("BlockCodec is closed");
    }

    // ------------------------------------------------------------------------------------------
    // Helpers

    private static int le32(byte[] a, int i) {
        return (a[i] & 0xFF) | (a[i + 1] & 0xFF) << 8 | (a[i + 2] & 0xFF) << 16 | (a[i + 3] & 0xFF) << 24;
    }

    static String shortHex(byte[] h) {
        return HEX.formatHex(h, 0, 8) + "…";
    }

    /** "16 MiB", "64 KiB" or "1000 bytes". */
    static String sizeText(long n) {
        if (n >= 1 << 20 && n % (1 << 20) == 0) return (n >> 20) + " MiB";
        if (n >= 1 << 10 && n % (1 << 10) == 0) return (n >> 10) + " KiB";
        return n + " bytes";
    }
}
