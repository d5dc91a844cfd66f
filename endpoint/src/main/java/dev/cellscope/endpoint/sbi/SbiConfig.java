package dev.cellscope.endpoint.sbi;

import dev.cellscope.endpoint.identity.NodeIdentity;
import dev.cellscope.protocol.sbi.SbiCapability;
import dev.cellscope.protocol.sbi.SbiCompression;
import dev.cellscope.protocol.sbi.SbiLimits;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.SbiLayouts;

import java.util.Objects;

/**
 * What this peer announces in its HANDSHAKE and how it sends blocks.
 *
 * @param peerId       32 bytes; for a node, its CellID padded with 16 zero bytes ({@link NodeIdentity#peerId})
 * @param capabilities HAS_* bits (0 deflate, 1 zstd, 2 dedup, 3 recompress); reserved bits must be 0
 * @param required     features the remote must share with us, else it NACKs missing_required_features
 * @param optional     features used when both have them
 * @param blockSize    chunk size for {@link SbiPeer#put}; at most {@link #MAX_BLOCK_SIZE}, so an incompressible
 *                     chunk sent raw still fits one frame
 */
public record SbiConfig(Bytes peerId, long capabilities, long required, long optional, int blockSize, int replicaCount) {
    public static final int VERSION = dev.cellscope.protocol.sbi.SbiNegotiation.VERSION;
    public static final int DEFAULT_BLOCK_SIZE = 65_536;
    /** Largest BLOCK_PUT DATA in one frame: 262144 − 24 (preamble) − 40 (spine). */
    public static final int MAX_BLOCK_SIZE = SbiLimits.MAX_CONTAINER - SbiLayouts.BLOCK_PUT.size();
    /** Most chunks one object has: its node list must fit one DAG_SYNC (depth 1), (262144 − 24 − 36) / 32 = 8190. */
    public static final int MAX_CHUNKS = (SbiLimits.MAX_CONTAINER - SbiLayouts.DAG_SYNC.size()) / SbiLayouts.HASH_SIZE;
    /** Largest object: MAX_CHUNKS blocks of MAX_BLOCK_SIZE bytes (2,146,435,200). */
    public static final long MAX_OBJECT_SIZE = (long) MAX_CHUNKS * MAX_BLOCK_SIZE;
    public static final int ZSTD_LEVEL = SbiCompression.ZSTD.senderLevel(), DEFLATE_LEVEL = SbiCompression.DEFLATE.senderLevel();
    /** Largest block a receiver decompresses (PROTOCOLS.md: 16 MiB). */
    public static final int DECOMPRESS_LIMIT = SbiLimits.DEFAULT_DECOMPRESS_LIMIT;
    /** deflate and zstd, and dedup (the content store is content-addressed). */
    public static final long DEFAULT_CAPABILITIES =
            SbiCapability.HAS_DEFLATE.mask() | SbiCapability.HAS_ZSTD.mask() | SbiCapability.HAS_DEDUP.mask();

    public SbiConfig {
        Objects.requireNonNull(peerId, "peerId");
        if (peerId.length() != NodeIdentity.PEER_ID_SIZE) throw new IllegalArgumentException("peer id must be 32 bytes, got " + peerId.length());
        for (long bits : new long[] {capabilities, required, optional}) {
            if ((bits & ~0xFFFF_FFFFL) != 0 || (bits & SbiCapability.RESERVED) != 0) {
                throw new IllegalArgumentException(String.format("feature bits 0x%x use reserved bits 4-31", bits));
            }
        }
        if (blockSize < 1 || blockSize > MAX_BLOCK_SIZE) {
            throw new IllegalArgumentException("block size must be in [1, " + MAX_BLOCK_SIZE + "], got " + blockSize);
        }
        if (replicaCount < 0 || replicaCount > 255) throw new IllegalArgumentException("replica count is a u8, got " + replicaCount);
    }

    /** Default capabilities, nothing required, 64 KiB blocks, one replica. */
    public static SbiConfig of(Bytes peerId) {
        return new SbiConfig(peerId, DEFAULT_CAPABILITIES, 0, 0, DEFAULT_BLOCK_SIZE, 1);
    }

    public static SbiConfig of(NodeIdentity identity) {
        return of(identity.peerId());
    }

    public SbiConfig withCapabilities(long bits) {
        return new SbiConfig(peerId, bits, required, optional, blockSize, replicaCount);
    }

    public SbiConfig withRequired(long bits) {
        return new SbiConfig(peerId, capabilities, bits, optional, blockSize, replicaCount);
    }

    public SbiConfig withOptional(long bits) {
        return new SbiConfig(peerId, capabilities, required, bits, blockSize, replicaCount);
    }

    public SbiConfig withBlockSize(int size) {
        return new SbiConfig(peerId, capabilities, required, optional, size, replicaCount);
    }

    /**
     * The block size to cut an object of {@code bytes} with: {@link #DEFAULT_BLOCK_SIZE} while its chunks fit one
     * DAG_SYNC ({@link #MAX_CHUNKS}, so up to 536,739,840 bytes), else the smallest multiple of 4 KiB whose chunks
     * do (a 1 GiB object: 135,168-byte blocks, 7,944 chunks), at most {@link #MAX_BLOCK_SIZE}.
     *
     * @throws IllegalArgumentException when {@code bytes} is negative or more than {@link #MAX_OBJECT_SIZE}
     */
    public static int blockSizeFor(long bytes) {
        if (bytes < 0 || bytes > MAX_OBJECT_SIZE) {
            throw new IllegalArgumentException(bytes + " bytes do not fit one object (at most " + MAX_CHUNKS + " chunks of at most "
                    + MAX_BLOCK_SIZE + " bytes: " + MAX_OBJECT_SIZE + " bytes)");
        }
        long fewest = Math.ceilDiv(bytes, MAX_CHUNKS); // the smallest block that keeps the chunks within MAX_CHUNKS
        if (fewest <= DEFAULT_BLOCK_SIZE) return DEFAULT_BLOCK_SIZE;
        return (int) Math.min((fewest + 4095) & -4096L, MAX_BLOCK_SIZE);
    }

    /** How many chunks {@code bytes} are cut into with {@code blockSize}-byte blocks (an empty object has none). */
    public static long chunks(long bytes, int blockSize) {
        return Math.ceilDiv(bytes, blockSize);
    }

    /** "HAS_DEFLATE HAS_ZSTD", or "none". */
    public static String capabilityNames(long bits) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 32; i++) {
            if ((bits & (1L << i)) == 0) continue;
            if (!sb.isEmpty()) sb.append(' ');
            SbiCapability c = SbiCapability.ofBit(i);
            sb.append(c != null ? c.label() : "bit" + i);
        }
        return sb.isEmpty() ? "none" : sb.toString();
    }
}
