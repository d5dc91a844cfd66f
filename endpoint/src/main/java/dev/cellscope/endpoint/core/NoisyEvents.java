package dev.cellscope.endpoint.core;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Event lines a peer can cause at will, one per frame (a frame for a CellID not ours, a SYN from a CellID the book
 * does not allow, an eviction): printed at most once per {@link #EVERY_NANOS} per kind, so a flood of frames does
 * not become a flood of lines (a serve with --book printed 20,000 lines for 20,000 spoofed SYNs). The ones held
 * back are not lost: when the period is up, the last of them is printed with their count,
 * "… (and N more like it in the last 1 s)". serve's NetSwitch events and tether-send/tether-recv's
 * ({@code TetherPort.noisy}) both go through it.
 *
 * <p>Use on the scheduler's thread only.
 */
public final class NoisyEvents {
    /** A kind is printed at most once per this long. */
    public static final long EVERY_NANOS = 1_000_000_000L;

    /** One kind: when one was last printed, how many were held back since, and the last of those. */
    private static final class Kind {
        long printedAt = Long.MIN_VALUE, held;
        String last;
    }

    private final Scheduler scheduler;
    private final Consumer<String> sink;
    private final Map<String, Kind> kinds = new HashMap<>();

    public NoisyEvents(Scheduler scheduler, Consumer<String> sink) {
        this.scheduler = Objects.requireNonNull(scheduler);
        this.sink = Objects.requireNonNull(sink);
    }

    /** Prints {@code text} now, or holds it back when a {@code kind} line was printed less than a period ago. */
    public void event(String kind, String text) {
        long now = scheduler.clock().nanos();
        Kind k = kinds.computeIfAbsent(kind, x -> new Kind());
        if (k.printedAt != Long.MIN_VALUE && now - k.printedAt < EVERY_NANOS) {
            // The flush is scheduled by the first held-back line: the count is printed even if no later event comes.
            if (k.held++ == 0) scheduler.schedule(k.printedAt + EVERY_NANOS - now, () -> flush(k));
            k.last = text;
            return;
        }
        k.printedAt = now;
        sink.accept(text);
    }

    private void flush(Kind k) {
        if (k.held == 0) return;
        long more = k.held - 1;
        k.printedAt = scheduler.clock().nanos();
        k.held = 0;
        sink.accept(more == 0 ? k.last
                : k.last + " (and " + more + " more like it in the last " + EVERY_NANOS / 1_000_000_000L + " s)");
    }
}
