package dev.cellscope.nativetap.dpdk;

/**
 * A DPDK call failed or DPDK cannot run here; the message is one line naming what failed and,
 * where there is one, the fix. {@link #kind()} lets a caller word it for its own users.
 */
public final class DpdkException extends RuntimeException {

    /** What went wrong, for a caller that words its own message. */
    public enum Kind {
        /** The DPDK libraries are not installed. */
        UNAVAILABLE,
        /** {@code rte_eal_init} refused its arguments, or the EAL runs already with other ones. */
        EAL,
        /** A device or port could not be created or found. */
        DEVICE,
        /** Configuring, starting or reading the port failed. */
        PORT
    }

    private final Kind kind;

    DpdkException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
