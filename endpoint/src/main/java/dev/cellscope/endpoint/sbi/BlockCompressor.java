package dev.cellscope.endpoint.sbi;

import com.github.luben.zstd.Zstd;
import dev.cellscope.analysis.BlockVerifier;
import dev.cellscope.field.SbiFields;

import java.io.ByteArrayOutputStream;
import java.util.zip.Deflater;

/**
 * Compresses blocks for BLOCK_PUT: zstd level 3 (frame format), deflate level 6 (zlib-wrapped,
 * RFC 1950, as PROTOCOLS.md decides for the JavaScript peers) or none. A block that does not
 * shrink is sent raw (comp_algo 0): already-compressed content would only grow and cost the
 * receiver a pointless decompression.
 */
final class BlockCompressor {
    private BlockCompressor() {}

    /** What goes into a BLOCK_PUT: comp_algo, comp_level and DATA. */
    record Compressed(int algo, int level, byte[] data) {}

    /** The algorithm the sender prefers for the common capabilities: zstd, then deflate, then none. */
    static int choose(long commonCapabilities) {
        if ((commonCapabilities & SbiFields.CAP_ZSTD) != 0) return BlockVerifier.COMP_ZSTD;
        if ((commonCapabilities & SbiFields.CAP_DEFLATE) != 0) return BlockVerifier.COMP_DEFLATE;
        return BlockVerifier.COMP_NONE;
    }

    static String name(int algo) {
        return SbiFields.COMP_NAMES.getOrDefault((long) algo, "comp_algo " + algo);
    }

    static Compressed compress(byte[] block, int algo) {
        byte[] packed = switch (algo) {
            case BlockVerifier.COMP_ZSTD -> Zstd.compress(block, SbiConfig.ZSTD_LEVEL);
            case BlockVerifier.COMP_DEFLATE -> deflate(block);
            default -> null;
        };
        if (packed == null || packed.length >= block.length) return new Compressed(BlockVerifier.COMP_NONE, 0, block);
        int level = algo == BlockVerifier.COMP_ZSTD ? SbiConfig.ZSTD_LEVEL : SbiConfig.DEFLATE_LEVEL;
        return new Compressed(algo, level, packed);
    }

    private static byte[] deflate(byte[] block) {
        Deflater d = new Deflater(SbiConfig.DEFLATE_LEVEL); // nowrap=false: zlib header and Adler-32 trailer
        try {
            d.setInput(block);
            d.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(block.length / 2 + 64);
            byte[] buf = new byte[16 * 1024];
            while (!d.finished()) out.write(buf, 0, d.deflate(buf));
            return out.toByteArray();
        } finally {
            d.end();
        }
    }
}
