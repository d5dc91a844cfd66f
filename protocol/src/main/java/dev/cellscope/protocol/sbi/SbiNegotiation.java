package dev.cellscope.protocol.sbi;

/**
 * The outcome of a HANDSHAKE pair, as both sides compute it: each side checks
 * {@code missing = remote.required & ~(local.capabilities & remote.capabilities)} and NACKs
 * {@code missing_required_features} and closes when it is non-zero; a sender compresses with
 * the first of zstd, deflate, none that the common capabilities allow.
 *
 * @param common          both sides' capabilities ANDed
 * @param missingAtFirst  what the second side requires that the pair lacks: the first side must NACK
 * @param missingAtSecond what the first side requires that the pair lacks: the second side must NACK
 * @param compression     the algorithm a sender picks for {@code common}
 */
public record SbiNegotiation(long common, long missingAtFirst, long missingAtSecond, SbiCompression compression) {

    /** The pair {@code (capsFirst, requiredFirst)} and {@code (capsSecond, requiredSecond)}. */
    public static SbiNegotiation of(long capsFirst, long requiredFirst, long capsSecond, long requiredSecond) {
        long common = capsFirst & capsSecond;
        return new SbiNegotiation(common, requiredSecond & ~common, requiredFirst & ~common, SbiCompression.choose(common));
    }

    /** Required features either side lacks: non-zero means the exchange fails. */
    public long missing() {
        return missingAtFirst | missingAtSecond;
    }

    /** Whether a BLOCK_PUT's comp_algo is one both sides support (0 none always is). */
    public boolean allows(int compAlgo) {
        return SbiCompression.allowedBy(common, compAlgo);
    }
}
