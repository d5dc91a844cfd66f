package dev.cellscope.probe;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT end the probe cleanly (every file finished, exit 0), SIGHUP reopens its
 * output files. Java has no supported API for SIGHUP, and a shutdown hook cannot choose the exit
 * status or let the run finish on its own thread; {@code sun.misc.Signal} (module jdk.unsupported,
 * kept exported on purpose by JEP 260 for exactly this until a replacement exists) can. The
 * handlers run on a thread the JVM starts per signal, so they only ask the probe to act.
 */
public final class ProbeSignals {
    private ProbeSignals() {}

    /**
     * Installs the handlers. {@code notBegun} runs when a stop comes before the source opened (e.g.
     * a FIFO nobody writes to): nothing is open then, and the caller can exit at once.
     */
    public static void install(Probe probe, Runnable notBegun) {
        Signal.handle(new Signal("TERM"), s -> stop(probe, notBegun));
        Signal.handle(new Signal("INT"), s -> stop(probe, notBegun));
        Signal.handle(new Signal("HUP"), s -> probe.reopen());
    }

    private static void stop(Probe probe, Runnable notBegun) {
        if (!probe.stop()) notBegun.run();
    }
}
