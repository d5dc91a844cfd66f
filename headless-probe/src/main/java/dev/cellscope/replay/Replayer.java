package dev.cellscope.replay;

import dev.cellscope.session.SessionResult;
import dev.cellscope.session.SourceException;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Sends the selected frames of a capture on their {@link Schedule}, keeping time by absolute
 * deadlines on a monotonic {@link ReplayClock}, and measures how well it did.
 *
 * <p>Without preload the capture is read by a session on a thread of its own while frames go out
 * (a few chunks ahead, through a bounded queue; read again for each loop). With preload every
 * selected frame is in memory before the first is sent and the sending thread does nothing else.
 *
 * <p>Frames whose deadlines have all passed when one is due go out in one batch (at top speed,
 * every batch is full), so a replay that fell behind catches up at the interface's speed.
 */
public final class Replayer {
    /** Chunks read ahead of the sender without preload: bounded memory (at most 4 MiB each). */
    private static final int READ_AHEAD = 4;
    /** Markers on the reader's queue: the end of one pass, and of all of them (or of the reader, stopped). */
    private static final Object END = new Object(), PASS_END = new Object();
    /** The longest wait between looks at {@link #stop}: a long captured gap does not delay Ctrl-C. */
    private static final long STOP_CHECK_NANOS = 100_000_000;
    /** Frames the send loop runs through before a preloaded replay's clock starts: enough for C2. */
    private static final long REHEARSAL_FRAMES = 50_000;

    private final FrameSelection selection;
    private final FrameSender sender;
    private final ReplayClock clock;
    private final ReplayOptions options;
    private volatile boolean stopped;
    /** Tells the reader thread to read no further pass (the sender is done). */
    private volatile boolean readerStop;
    private boolean quietJit;
    /** Whether the schedule has its start: set by the first frame's send ({@link #anchor}). */
    private boolean anchored;

    // the run's state, touched by the sending thread only
    private final Schedule schedule;
    private final ErrorHistogram intervalError = new ErrorHistogram(), lateness = new ErrorHistogram();
    private long start, end = Long.MAX_VALUE, first, firstDeadline, lastSent, lastDeadline;
    /** When the last send call returned: at top speed the run ends there (a run sent in one batch has no gap between sends). */
    private long lastReturned;
    private long frames, bytes, failed;
    /** Passes begun (their first chunk taken) and passes sent from (a frame of theirs went, or was refused): the report counts these. */
    private long passesBegun, passes;
    private boolean passSentFrom;
    private String firstFailure;
    private final List<SessionResult> results = java.util.Collections.synchronizedList(new ArrayList<>());

    public Replayer(FrameSelection selection, FrameSender sender, ReplayClock clock, ReplayOptions options) {
        this.selection = selection;
        this.sender = sender;
        this.clock = clock;
        this.options = options;
        this.schedule = new Schedule(options.pacing());
    }

    /** Turns C2 off for the process when the run starts ({@link QuietJit}): for a process that only replays. */
    public Replayer quietJit(boolean on) {
        quietJit = on;
        return this;
    }

    /** Stops the replay after the batch in flight (from any thread: a signal handler). */
    public void stop() {
        stopped = true;
        selection.cancel();
    }

    /** The session results of the passes read (to report a damaged capture), in order. */
    public List<SessionResult> sessionResults() {
        return List.copyOf(results);
    }

    /**
     * Runs the replay to its end (the loops done, the duration or limit reached, or {@link #stop}).
     *
     * @throws SourceException when the capture cannot be opened
     * @throws ReplayException when the interface fails
     */
    public ReplayReport run() throws SourceException, InterruptedException {
        clock.prepareThread();
        if (quietJit) QuietJit.noC2();
        try {
            sender.warmUp();
            if (options.preload()) runPreloaded();
            else runStreamed();
        } finally {
            sender.close();
            clock.releaseThread();
        }
        return new ReplayReport(frames, bytes, failed, selection.notEthernet(), selection.notCell(), passes,
                frames == 0 ? 0 : (schedule.timed() ? lastSent : lastReturned) - first,
                frames == 0 || !schedule.timed() ? 0 : lastDeadline - firstDeadline, intervalError, lateness, firstFailure);
    }

    private boolean more(long pass) {
        return !stopped && frames < options.limit() && (options.loops() == 0 || pass < options.loops());
    }

    private void runPreloaded() throws SourceException, InterruptedException {
        List<FrameChunk> chunks = new ArrayList<>();
        try {
            results.add(selection.pass(chunks::add));
            if (chunks.isEmpty()) return;
            rehearse(chunks);
            for (long pass = 0; more(pass); pass++) {
                beginPass();
                for (FrameChunk c : chunks) {
                    if (!send(c)) return;
                }
            }
        } finally {
            for (FrameChunk c : chunks) c.close();
        }
    }

    /**
     * One reader thread reads the passes back to back, a few chunks ahead of the sender: the next pass's
     * session is opened while the last chunks of this one go out, so a loop's wrap costs no more than any
     * other gap (a reader started per pass held the first frame of each new pass back 10–40 ms).
     */
    private void runStreamed() throws SourceException, InterruptedException {
        BlockingQueue<Object> queue = new ArrayBlockingQueue<>(READ_AHEAD);
        Thread reader = Thread.ofPlatform().name("replay-reader").daemon().start(() -> read(queue));
        boolean ended = false;
        try {
            for (long pass = 0; more(pass); pass++) {
                boolean sentAny = false;
                while (true) {
                    Object o = queue.take();
                    if (o == PASS_END) break;
                    if (o == END) {
                        ended = true;
                        return;
                    }
                    if (o instanceof Throwable t) {
                        ended = true;
                        throw rethrow(t);
                    }
                    FrameChunk c = (FrameChunk) o;
                    boolean goOn;
                    try {
                        if (!sentAny) beginPass();
                        sentAny = true;
                        goOn = send(c);
                    } finally {
                        c.close();
                    }
                    if (!goOn) return;
                }
                if (!sentAny) return; // nothing selected: another pass would send nothing either
            }
        } finally {
            // stopped early (or failed): the reader is told to stop and what it still hands over is freed
            if (!ended) {
                readerStop = true;
                selection.cancel();
                drain(queue, reader);
            }
            reader.join();
        }
    }

    /** The reader thread: the passes the options ask for (all of them when looping for ever), each ended by PASS_END. */
    private void read(BlockingQueue<Object> queue) {
        clock.releaseThread(); // reading the capture is ordinary work: not at the sender's real-time priority
        Object last = END;
        try {
            for (long pass = 0; !readerStop && (options.loops() == 0 || pass < options.loops()); pass++) {
                results.add(selection.pass(queue::put));
                queue.put(PASS_END);
            }
        } catch (SourceException | RuntimeException e) {
            last = e;
        } catch (InterruptedException e) {
            return;
        }
        try {
            queue.put(last);
        } catch (InterruptedException e) {
            // the sender gave up waiting
        }
    }

    private static void drain(BlockingQueue<Object> queue, Thread reader) throws InterruptedException {
        while (reader.isAlive()) {
            Object o = queue.poll(10, java.util.concurrent.TimeUnit.MILLISECONDS);
            if (o instanceof FrameChunk c) c.close();
        }
        for (Object o; (o = queue.poll()) != null; ) if (o instanceof FrameChunk c) c.close();
    }

    private static RuntimeException rethrow(Throwable t) throws SourceException {
        if (t instanceof SourceException s) throw s;
        if (t instanceof RuntimeException r) throw r;
        throw new IllegalStateException(t);
    }

    private void beginPass() {
        if (passesBegun++ > 0) schedule.newPass();
        passSentFrom = false;
    }

    /**
     * A frame of the current pass was handed to the sender: the pass counts. Not at {@link #beginPass}: a duration
     * or limit that ends exactly on a pass boundary has begun the next pass without sending from it.
     */
    private void passSends() {
        if (!passSentFrom) {
            passSentFrom = true;
            passes++;
        }
    }

    /**
     * Sends the run's first frame at once and starts the schedule when that send has returned. The first
     * transmission through a fresh socket pays one-off kernel work (0.6–2.5 ms on veth, measured), and a
     * schedule started before it sent the frames due in that time back to back; anchored after it, the
     * captured gaps hold from the first frame on, as tcpreplay keeps them.
     *
     * @return the index of the next frame to send
     */
    private int anchor(MemorySegment[] f, long offset) {
        anchored = true;
        if (!schedule.timed()) { // top speed: no schedule to start, and the first batch is a full one
            start = clock.nanoTime();
            if (options.duration() != null) end = start + options.duration().toNanos();
            return 0;
        }
        int sent = 1;
        passSends();
        try {
            sender.send(f, 0, 1);
        } catch (FrameSender.FrameRefused e) {
            failed++;
            if (firstFailure == null) firstFailure = e.getMessage();
            sent = 0;
        }
        long after = clock.nanoTime();
        start = after - offset;
        if (options.duration() != null) end = start + options.duration().toNanos();
        if (sent == 1) account(after, after, f[0].byteSize(), true);
        return 1;
    }

    /** Sends one chunk on schedule; false once the replay is to stop. */
    private boolean send(FrameChunk c) {
        int n = c.size();
        MemorySegment[] f = c.frames();
        long[] deadline = new long[n];
        for (int i = 0; i < n; i++) deadline[i] = schedule.next(c.timestamp(i), (int) f[i].byteSize());
        boolean timed = schedule.timed();
        int max = sender.maxBatch();
        int i = 0;
        if (!anchored && n > 0) {
            if (stopped || frames >= options.limit()) return false;
            i = anchor(f, deadline[0]);
        }
        for (int k = 0; k < n; k++) deadline[k] += start;
        while (i < n) {
            if (stopped || frames >= options.limit()) return false;
            if (timed && deadline[i] > end) return false;
            if (timed && !await(deadline[i])) return false;
            long now = clock.nanoTime();
            if (now >= end) return false;
            int batch = 1;
            long room = Math.min(max, options.limit() - frames);
            while (i + batch < n && batch < room && (!timed || deadline[i + batch] <= now)) batch++;
            int sent;
            passSends();
            try {
                sent = sender.send(f, i, batch);
            } catch (FrameSender.FrameRefused e) {
                failed++;
                if (firstFailure == null) firstFailure = e.getMessage();
                i++;
                continue;
            }
            if (!timed) lastReturned = clock.nanoTime();
            for (int k = i; k < i + sent; k++) account(now, deadline[k], f[k].byteSize(), timed);
            i += sent;
        }
        return true;
    }

    /**
     * Runs the send loop over the preloaded frames, about {@link #REHEARSAL_FRAMES} of them, through the
     * sender's rehearsal (nothing sent) on a clock that jumps to each deadline: the same methods the real
     * run executes, so the JIT compiles them now rather than taking the CPU from the schedule later
     * (with the JVM pinned to one core, compiling the loop mid-run made about 1% of gaps a whole gap late).
     */
    private void rehearse(List<FrameChunk> chunks) {
        FrameSender dry = sender.rehearsal();
        if (dry == null) return;
        ReplayOptions once = new ReplayOptions(options.pacing(), 1, null, Long.MAX_VALUE, true);
        Replayer r = new Replayer(selection, dry, new JumpingClock(), once);
        for (long n = 0; n < REHEARSAL_FRAMES; ) {
            r.beginPass();
            for (FrameChunk c : chunks) {
                r.send(c);
                n += c.size();
            }
        }
    }

    /** The rehearsal's clock: time moves only to the deadline waited for, and by a nanosecond a look. */
    private static final class JumpingClock implements ReplayClock {
        private long now;

        @Override
        public long nanoTime() {
            return ++now;
        }

        @Override
        public void awaitUntil(long deadline) {
            now = Math.max(now, deadline);
        }
    }

    /** Waits for {@code deadline} in slices, so a stop during a long captured gap ends the wait; false when stopped. */
    private boolean await(long deadline) {
        while (true) {
            long now = clock.nanoTime();
            if (deadline - now <= STOP_CHECK_NANOS) {
                clock.awaitUntil(deadline);
                return !stopped;
            }
            clock.awaitUntil(now + STOP_CHECK_NANOS);
            if (stopped) return false;
        }
    }

    private void account(long sentAt, long deadline, long length, boolean timed) {
        if (frames == 0) {
            first = sentAt;
            firstDeadline = deadline;
        } else if (timed) {
            intervalError.record(Math.abs((sentAt - lastSent) - (deadline - lastDeadline)));
        }
        if (timed) lateness.record(sentAt - deadline);
        lastSent = sentAt;
        lastDeadline = deadline;
        frames++;
        bytes += length;
    }
}
