package dev.cellscope.cli;

import java.io.Writer;

/**
 * During a live capture, frames should show as they arrive, not when 64 KiB of output has piled
 * up: this flushes the output every 200 ms from a thread of its own (the writer locks each write
 * and flush). A failed flush is left to the capture thread's next write, which reports it.
 */
final class PeriodicFlush implements AutoCloseable {
    private static final long PERIOD_MILLIS = 200;
    private final Thread thread;

    PeriodicFlush(Writer out) {
        thread = Thread.ofPlatform().daemon().name("output flush").start(() -> {
            try {
                while (true) {
                    Thread.sleep(PERIOD_MILLIS);
                    try {
                        out.flush();
                    } catch (java.io.IOException | RuntimeException e) {
                        return; // closed pipe or write error: the next write says so
                    }
                }
            } catch (InterruptedException e) {
                // closed
            }
        });
    }

    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
