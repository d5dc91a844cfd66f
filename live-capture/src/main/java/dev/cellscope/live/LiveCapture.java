package dev.cellscope.live;

import dev.cellscope.session.SourceException;
import dev.cellscope.session.SourceOpener;

import dev.cellscope.io.InterfaceDescription;
import dev.cellscope.io.SectionInfo;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A live interface as a capture session's source: {@code new CaptureSession(capture, options)}
 * reads it as it reads a file. It can be opened once (a live interface cannot be read again, so
 * two passes are refused by the session). {@link #stop()} ends the capture gracefully from any
 * thread (a signal handler, a timer): frames already captured are still analysed and written,
 * then the session ends as at the end of a file. An optional duration stops it the same way,
 * counted from when it was opened (tshark's {@code -a duration:N}).
 */
public final class LiveCapture implements SourceOpener {
    private final LiveBackend backend;
    private final LiveOptions options;
    private final Duration duration;
    private volatile LiveSource source;
    private volatile boolean stopRequested;
    private Thread timer;

    public LiveCapture(LiveBackend backend, LiveOptions options, Duration duration) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.options = Objects.requireNonNull(options, "options");
        this.duration = duration;
        if (duration != null && (duration.isNegative() || duration.isZero())) throw new IllegalArgumentException("duration must be positive");
    }

    /** A capture through the backend called {@code backendName} (null: the default); fails when it cannot run here. */
    public static LiveCapture of(String backendName, LiveOptions options, Duration duration) throws SourceException {
        return new LiveCapture(Backends.get(backendName), options, duration);
    }

    @Override
    public synchronized LiveSource open() throws SourceException {
        if (source != null) throw new SourceException(name() + ": a live interface can be read only once");
        LiveSource s = backend.open(options);
        source = s;
        if (stopRequested) s.stop();
        if (duration != null) {
            timer = Thread.ofPlatform().daemon().name("capture duration " + name()).start(() -> {
                try {
                    Thread.sleep(duration);
                    s.stop();
                } catch (InterruptedException e) {
                    // closed first: nothing to stop
                }
            });
        }
        return s;
    }

    /** Ends the capture gracefully (before it is opened: it will end as soon as it opens). Any thread. */
    public void stop() {
        stopRequested = true;
        LiveSource s = source;
        if (s != null) s.stop();
    }

    /** The counters of the source (all zero before it was opened); also after the session closed it. */
    public CaptureStats stats() {
        LiveSource s = source;
        return s == null ? CaptureStats.NONE : s.stats();
    }

    /** Whether the source was opened (a session that failed to open it reports that instead of counts). */
    public boolean opened() {
        return source != null;
    }

    /**
     * What a pcapng file written from this capture declares for each interface: link type, snaplen
     * and name as the source opened them, the capture filter ({@code if_filter}) and this host's
     * OS ({@code if_os}). Only once opened.
     */
    public List<InterfaceDescription> interfaceDescriptions() {
        LiveSource s = source;
        if (s == null) throw new IllegalStateException(name() + ": not opened yet");
        String os = SectionInfo.thisHost().os();
        return s.interfaces().stream()
                .map(i -> new InterfaceDescription(i.linkType(), i.snapLength(), i.name(), null, options.filter(), os, 0))
                .toList();
    }

    /** The source's mode line ({@link LiveSource#mode}); empty before it is opened. */
    public String mode() {
        LiveSource s = source;
        return s == null ? "" : s.mode();
    }

    /**
     * "queue 0: 51234 frames, 0 dropped; queue 1: …" when the source reads several queues itself, else
     * empty: the final counts per queue (after close too).
     */
    public java.util.Optional<String> queueSummary() {
        LiveSource s = source;
        if (s == null || s.queueStats().size() < 2) return java.util.Optional.empty();
        return java.util.Optional.of(s.queueStats().stream()
                .map(q -> "queue " + q.queue() + ": " + q.frames() + " frames, " + q.dropped() + " dropped")
                .collect(java.util.stream.Collectors.joining("; ")));
    }

    public LiveOptions options() {
        return options;
    }

    public LiveBackend backend() {
        return backend;
    }

    @Override
    public boolean reopenable() {
        return false;
    }

    @Override
    public String name() {
        return options.interfaceName();
    }

    /** Stops the duration timer, if any (the session closes the source itself). */
    public synchronized void release() {
        if (timer != null) timer.interrupt();
    }
}
