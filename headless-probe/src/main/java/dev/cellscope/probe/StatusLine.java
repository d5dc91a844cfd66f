package dev.cellscope.probe;

import dev.cellscope.live.CaptureStats;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The status line on stderr, every few seconds, as dumpcap prints its packet count: frames so far,
 * the rate since the last line, drops by cause, live flows and findings. One line each time, so
 * that a journal or a log file keeps a readable history.
 */
final class StatusLine {
    private final ProbeMetrics metrics;
    private final PrintStream err;
    private final long started = System.nanoTime();
    private long lastAt = started, lastFrames, lastBytes;

    StatusLine(ProbeMetrics metrics, PrintStream err) {
        this.metrics = metrics;
        this.err = err;
    }

    synchronized void print() {
        err.println("cellscope: " + line());
    }

    synchronized void printFinal(boolean stopped) {
        double s = (System.nanoTime() - started) / 1e9;
        err.println(String.format(Locale.ROOT, "cellscope: %s after %.1f s: %s", stopped ? "stopped" : "done", s, line()));
    }

    /** e.g. {@code 31400 frames, 6280 pps, 9.4 Mbit/s, drops 0 (kernel 0, interface 0, ring 0, parser 0, disk 0), 12 flows active, 11 findings} */
    String line() {
        long now = System.nanoTime(), frames = metrics.frames(), bytes = metrics.bytes();
        double dt = Math.max(1e-9, (now - lastAt) / 1e9);
        double pps = (frames - lastFrames) / dt, mbps = (bytes - lastBytes) * 8 / dt / 1e6;
        lastAt = now;
        lastFrames = frames;
        lastBytes = bytes;
        CaptureStats c = metrics.capture();
        long kernel = ProbeMetrics.known(c.kernelDropped()), iface = ProbeMetrics.known(c.interfaceDropped()),
                ring = ProbeMetrics.known(c.sourceDropped());
        long parser = metrics.parserDrops(), disk = metrics.ring().packetsDroppedDisk();
        long drops = kernel + iface + ring + parser + disk;
        return String.format(Locale.ROOT, "%d frames, %.0f pps, %.1f Mbit/s, drops %d (kernel %d, interface %d, ring %d, parser %d, disk %d), %d flows active, %d findings",
                frames, pps, mbps, drops, kernel, iface, ring, parser, disk, metrics.activeFlows(), metrics.findings());
    }
}
