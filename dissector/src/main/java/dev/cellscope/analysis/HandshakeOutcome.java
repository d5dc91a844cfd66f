package dev.cellscope.analysis;

import dev.cellscope.protocol.sbi.SbiCapability;
import dev.cellscope.protocol.sbi.SbiCompression;
import dev.cellscope.protocol.sbi.SbiNegotiation;

/**
 * The result of a HANDSHAKE pair as the tap shows it; the rule is the vocabulary's
 * {@link SbiNegotiation}, the one the peer applies: PROTOCOLS.md section 4's
 * {@code missing = remote.required & ~(local.capabilities & remote.capabilities)}, and
 * [decided] a side's own unmet requirements too, so when either is non-zero both sides must NACK
 * {@code missing_required_features} and close ({@link #rejectedBy}).
 *
 * @param intersection  both sides' capabilities ANDed
 * @param missingAtFirst what the second side requires that the pair lacks: the first side must NACK
 * @param missingAtSecond what the first side requires that the pair lacks: the second side must NACK
 * @param compression   the algorithm a sender picks: zstd, then deflate, then none
 * @param foreignVersion a HANDSHAKE announces a version other than 1: the exchange fails as for missing features
 */
public record HandshakeOutcome(long intersection, long missingAtFirst, long missingAtSecond, String compression,
                               boolean foreignVersion) {

    static HandshakeOutcome of(long capsFirst, long requiredFirst, int versionFirst, long capsSecond, long requiredSecond,
                               int versionSecond) {
        SbiNegotiation n = SbiNegotiation.of(capsFirst, requiredFirst, versionFirst, capsSecond, requiredSecond, versionSecond);
        return new HandshakeOutcome(n.common(), n.missingAtFirst(), n.missingAtSecond(), n.compression().wireName(), n.foreignVersion());
    }

    /** Whether side 0 (first) or 1 (second) must refuse the exchange: {@link SbiNegotiation#rejectedBy}. */
    public boolean rejectedBy(int side) {
        return new SbiNegotiation(intersection, missingAtFirst, missingAtSecond, SbiCompression.NONE, foreignVersion).rejectedBy(side);
    }

    /** Whether the exchange fails (both sides must NACK missing_required_features and close). */
    public boolean fails() {
        return rejectedBy(SbiNegotiation.FIRST);
    }

    public long missing() {
        return missingAtFirst | missingAtSecond;
    }

    /** Whether a BLOCK_PUT's comp_algo is one both sides support (0 none always is). */
    public boolean allows(int compAlgo) {
        return SbiCompression.allowedBy(intersection, compAlgo);
    }

    /** "HAS_DEFLATE HAS_ZSTD 0x30": the named bits, then any reserved ones in hex; "" for none. */
    static String names(long features) {
        StringBuilder b = new StringBuilder();
        for (SbiCapability c : SbiCapability.setIn(features)) b.append(c.label()).append(' ');
        if ((features & SbiCapability.RESERVED) != 0) b.append(String.format("0x%x ", features & SbiCapability.RESERVED));
        return b.toString().strip();
    }
}
