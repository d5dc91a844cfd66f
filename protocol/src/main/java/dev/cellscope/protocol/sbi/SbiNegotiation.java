package dev.cellscope.protocol.sbi;

/**
 * The outcome of a HANDSHAKE pair, as both sides compute it. PROTOCOLS.md's formula has each side
 * check {@code missing = remote.required & ~(local.capabilities & remote.capabilities)}; cellscope
 * also has a side refuse when its <em>own</em> required features are not common ([decided],
 * docs/DECISIONS.md): the exchange fails for both sides when either side's requirements are unmet,
 * and each side NACKs {@code missing_required_features} and closes ({@link #rejectedBy}). The tap
 * judges the NACKs and the carrying-on by the same rule. A sender compresses with the first of
 * zstd, deflate, none that the common capabilities allow, and a receiver accepts only what
 * {@link #allows} (both sides' capabilities). A HANDSHAKE whose version is not {@link #VERSION}
 * fails the exchange the same way (the remote requires a protocol we lack: ENDPOINT-SBI.md's
 * strictness table), so {@link #rejectedBy} covers it too.
 *
 * @param common          both sides' capabilities ANDed
 * @param missingAtFirst  what the second side requires that the pair lacks: the first side must NACK
 * @param missingAtSecond what the first side requires that the pair lacks: the second side must NACK
 * @param compression     the algorithm a sender picks for {@code common}
 * @param foreignVersion  a HANDSHAKE announces a version other than {@link #VERSION}: the exchange fails
 */
public record SbiNegotiation(long common, long missingAtFirst, long missingAtSecond, SbiCompression compression,
                             boolean foreignVersion) {
    /** The sides of {@link #of}: first = the (capsFirst, requiredFirst) side. */
    public static final int FIRST = 0, SECOND = 1;
    /** The HANDSHAKE version this protocol is: any other is refused with missing_required_features. */
    public static final int VERSION = 1;

    /** A pair of version-1 HANDSHAKEs. */
    public SbiNegotiation(long common, long missingAtFirst, long missingAtSecond, SbiCompression compression) {
        this(common, missingAtFirst, missingAtSecond, compression, false);
    }

    /** The pair {@code (capsFirst, requiredFirst)} and {@code (capsSecond, requiredSecond)}, both version 1. */
    public static SbiNegotiation of(long capsFirst, long requiredFirst, long capsSecond, long requiredSecond) {
        return of(capsFirst, requiredFirst, VERSION, capsSecond, requiredSecond, VERSION);
    }

    /** The pair with the HANDSHAKEs' versions: one other than {@link #VERSION} fails the exchange. */
    public static SbiNegotiation of(long capsFirst, long requiredFirst, int versionFirst, long capsSecond, long requiredSecond,
                                    int versionSecond) {
        long common = capsFirst & capsSecond;
        return new SbiNegotiation(common, requiredSecond & ~common, requiredFirst & ~common, SbiCompression.choose(common),
                versionFirst != VERSION || versionSecond != VERSION);
    }

    /** Required features either side lacks: non-zero means the exchange fails. */
    public long missing() {
        return missingAtFirst | missingAtSecond;
    }

    /**
     * Whether {@code side} must NACK missing_required_features and close: when either side's
     * required features are not all common, or a HANDSHAKE's version is not {@link #VERSION}
     * (the rule is symmetric, so both sides must).
     */
    public boolean rejectedBy(int side) {
        if (side != FIRST && side != SECOND) throw new IllegalArgumentException("side " + side);
        return missing() != 0 || foreignVersion;
    }

    /** Whether a BLOCK_PUT's comp_algo is one both sides support (0 none always is). */
    public boolean allows(int compAlgo) {
        return SbiCompression.allowedBy(common, compAlgo);
    }
}
