package dev.cellscope.analysis;

import dev.cellscope.field.SbiFields;

/**
 * The result of a HANDSHAKE pair (PROTOCOLS.md section 4): each side computes
 * {@code missing = remote.required & ~(local.capabilities & remote.capabilities)} and must NACK
 * {@code missing_required_features} and close when it is non-zero.
 *
 * @param intersection  both sides' capabilities ANDed
 * @param missingAtFirst what the second side requires that the pair lacks: the first side must NACK
 * @param missingAtSecond what the first side requires that the pair lacks: the second side must NACK
 * @param compression   the algorithm a sender picks: zstd, then deflate, then none
 */
public record HandshakeOutcome(long intersection, long missingAtFirst, long missingAtSecond, String compression) {

    static HandshakeOutcome of(long capsFirst, long requiredFirst, long capsSecond, long requiredSecond) {
        long common = capsFirst & capsSecond;
        String comp = (common & SbiFields.CAP_ZSTD) != 0 ? "zstd" : (common & SbiFields.CAP_DEFLATE) != 0 ? "deflate" : "none";
        return new HandshakeOutcome(common, requiredSecond & ~common, requiredFirst & ~common, comp);
    }

    public long missing() {
        return missingAtFirst | missingAtSecond;
    }

    /** Whether a BLOCK_PUT's comp_algo is one both sides support (0 none always is). */
    public boolean allows(int compAlgo) {
        return switch (compAlgo) {
            case 0 -> true;
            case 1 -> (intersection & SbiFields.CAP_DEFLATE) != 0;
            case 2 -> (intersection & SbiFields.CAP_ZSTD) != 0;
            default -> false;
        };
    }

    static String names(long features) {
        StringBuilder b = new StringBuilder();
        if ((features & SbiFields.CAP_DEFLATE) != 0) b.append("HAS_DEFLATE ");
        if ((features & SbiFields.CAP_ZSTD) != 0) b.append("HAS_ZSTD ");
        if ((features & SbiFields.CAP_DEDUP) != 0) b.append("HAS_DEDUP ");
        if ((features & SbiFields.CAP_RECOMPRESS) != 0) b.append("HAS_RECOMPRESS ");
        if ((features & SbiFields.CAP_RESERVED) != 0) b.append(String.format("0x%x ", features & SbiFields.CAP_RESERVED));
        return b.toString().strip();
    }
}
