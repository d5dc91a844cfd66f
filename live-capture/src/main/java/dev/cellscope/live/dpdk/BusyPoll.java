package dev.cellscope.live.dpdk;

import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * What the capture thread does when a burst comes back empty. DPDK's own applications spin: a core
 * at 100% whether frames come or not. By default this backend backs off instead: it parks 10 µs
 * after the first empty burst, doubling up to 1 ms while the port stays quiet, and spins again from
 * the first frame on (so a busy port is polled flat out, a quiet one costs next to nothing, and a
 * frame waits at most about a millisecond). {@code CELLSCOPE_DPDK_BUSY_POLL=1} (or the system
 * property {@code cellscope.dpdk.busy-poll=true}) keeps DPDK's flat-out polling.
 */
final class BusyPoll {
    static final String ENV = "CELLSCOPE_DPDK_BUSY_POLL";
    static final String PROPERTY = "cellscope.dpdk.busy-poll";
    static final long FIRST_PARK_NANOS = 10_000, MAX_PARK_NANOS = 1_000_000;

    private final boolean spin;
    private long park = FIRST_PARK_NANOS;

    BusyPoll(boolean spin) {
        this.spin = spin;
    }

    static BusyPoll current() {
        return new BusyPoll(on(System.getProperty(PROPERTY), System.getenv()));
    }

    static boolean on(String property, Map<String, String> env) {
        String v = property != null ? property : env.get(ENV);
        return v != null && (v.equals("1") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes"));
    }

    boolean spinning() {
        return spin;
    }

    /** After a burst of {@code n} frames. */
    void after(int n) {
        if (n > 0) {
            park = FIRST_PARK_NANOS;
        } else if (spin) {
            Thread.onSpinWait();
        } else {
            LockSupport.parkNanos(park);
            park = Math.min(MAX_PARK_NANOS, park * 2);
        }
    }
}
