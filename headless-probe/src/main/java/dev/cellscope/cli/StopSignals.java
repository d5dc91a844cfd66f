package dev.cellscope.cli;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.ArrayList;
import java.util.List;

/**
 * SIGINT and SIGTERM during a live capture end it as tshark's do: the capture stops, what was
 * captured is still analysed and written, the counts are printed, exit 0. The JVM's own handling
 * (run the shutdown hooks, exit 130 or 143) is put aside while the capture runs and restored after.
 * A second signal while the capture winds down ends the process at once, as a second Ctrl-C does
 * in tshark (exit 128 + the signal's number).
 */
final class StopSignals implements AutoCloseable {
    private final List<Signal> signals = new ArrayList<>();
    private final List<SignalHandler> previous = new ArrayList<>();
    private volatile boolean stopping;

    private StopSignals() {}

    /** Calls {@code stop} (once) on the first SIGINT or SIGTERM. */
    static StopSignals install(Runnable stop) {
        StopSignals s = new StopSignals();
        for (String name : new String[]{"INT", "TERM"}) {
            Signal signal = new Signal(name);
            try {
                s.previous.add(Signal.handle(signal, sig -> {
                    if (s.stopping) Runtime.getRuntime().halt(128 + sig.getNumber());
                    s.stopping = true;
                    stop.run();
                }));
                s.signals.add(signal);
            } catch (IllegalArgumentException e) {
                // the JVM keeps this signal (e.g. started with -Xrs): its default handling stays
            }
        }
        return s;
    }

    /** Whether a signal stopped the capture. */
    boolean signalled() {
        return stopping;
    }

    @Override
    public void close() {
        for (int i = 0; i < signals.size(); i++) Signal.handle(signals.get(i), previous.get(i));
    }
}
