package dev.cellscope.live;

import dev.cellscope.session.SourceException;

import java.util.List;

/**
 * One way to read a live interface (libpcap, the AF_PACKET ring, later AF_XDP and DPDK).
 * Backends are found through {@link java.util.ServiceLoader} by {@link Backends}, so a new one
 * slots in with a class and a line in {@code META-INF/services}, without changing any caller.
 *
 * <p>A backend that cannot start says why in one line naming the fix: from {@link #available()}
 * before anything is opened (a missing library), from {@link #open} when opening fails (no such
 * interface, no CAP_NET_RAW, a bad filter, a ring too large).
 */
public interface LiveBackend {

    /** The name {@code --backend} takes: {@code pcap}, {@code afpacket}... */
    String name();

    /** A line for {@code --help} and the README: what it is. */
    String description();

    /** Whether this backend can run here, and if not why (one line naming the fix). */
    Availability available();

    /** Opens the interface; the message of a failure is one line a user can act on. */
    LiveSource open(LiveOptions options) throws SourceException;

    /**
     * Why {@code filter} is not a capture filter this backend can apply, checked before anything is
     * opened (a user's mistake, reported as such); empty when it is fine or cannot be checked early
     * (then {@link #open} reports it).
     */
    default java.util.Optional<String> checkFilter(String filter) {
        return java.util.Optional.empty();
    }

    /** The interfaces this backend can capture on, as {@code -D} lists them. */
    List<CaptureInterface> interfaces() throws SourceException;

    /** Whether a backend can run, and if not why. */
    record Availability(boolean ok, String reason) {
        public static final Availability YES = new Availability(true, "");

        public static Availability no(String reason) {
            return new Availability(false, reason);
        }
    }
}
