package dev.cellscope.replay.peer;

import dev.cellscope.endpoint.core.Link;
import dev.cellscope.endpoint.core.RealScheduler;
import dev.cellscope.endpoint.tether.SendResult;
import dev.cellscope.endpoint.tether.TetherSender;
import dev.cellscope.endpoint.tether.TetherSenderConfig;
import dev.cellscope.wire.Decoded;
import dev.cellscope.wire.TetherFrame;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * The sender side of a captured Tether flow played into a live receiver: the endpoint's own
 * {@link TetherSender}, under the captured sender's Tether ID, with the captured flow, slot size and
 * content, lights a fresh Lamp, sends its own Define (hence the captured size), data within the
 * live receiver's grants and the Manifest (hence the captured checksum). Every frame the receiver
 * sends is read on its way in ({@link TetherAnswer#of}, the rule the capture is read with) and
 * compared with the captured receiver's answers ({@link AnswerComparison#compareTether}).
 */
public final class TetherReplay {
    /** After the sender ends, frames still coming in (a repeated confirmation) are collected for this long. */
    private static final long LINGER_MILLIS = 300;
    /**
     * Lamp and Manifest retries (10 s in all). Long, because the sender also probes for lost grants after a quarter
     * of it without credit, and a probe makes the receiver re-grant: a grant the captured receiver never sent. On a
     * loaded machine a 25 ms wait for a grant is common; a quarter second is not.
     */
    private static final long RETRY_NANOS = 1_000_000_000L;
    private static final int RETRIES = 10;

    /**
     * What came of a replay.
     *
     * @param status       how the live sender ended (CONFIRMED when the receiver confirmed the Manifest)
     * @param liveChecksum the CRC-64 the live Manifest carried
     */
    public record Result(CapturedTetherFlow flow, SendResult.Status status, long liveChecksum, long liveSlots, long liveFrames,
                         List<TetherAnswer> captured, List<TetherAnswer> live, List<Difference> differences, List<String> notes,
                         long elapsedNanos) {}

    private final Duration timeout;
    private final Consumer<String> log;

    /** @param timeout the most the whole transfer may take; {@code log} gets the sender's events */
    public TetherReplay(Duration timeout, Consumer<String> log) {
        this.timeout = timeout;
        this.log = log;
    }

    /**
     * Sends {@code c} to the receiver at {@code address} over {@code link}; blocks until the sender ends.
     * {@code kept}, when given, is where the receiver keeps the file: it is compared with the captured content.
     */
    public <A> Result run(RealScheduler scheduler, Link<A> link, CapturedTetherFlow c, A address, Path kept) throws InterruptedException {
        List<TetherAnswer> live = new ArrayList<>();
        Link<A> tapped = new Tap<>(link, f -> {
            TetherAnswer a = TetherAnswer.of(f, c.flow());
            if (a != null) synchronized (live) { live.add(a); }
        });
        TetherSenderConfig config = TetherSenderConfig.of(c.sender(), c.receiver()).withFlow(c.flow()).withSlotSize(Math.toIntExact(c.slotSize()))
                .withLamp(true).withTiming(RETRY_NANOS, RETRIES, timeout.toNanos());
        long t0 = System.nanoTime();
        TetherSender<A> tx = new TetherSender<>(tapped, scheduler, address, config, c.content()).listener(log::accept);
        SendResult r;
        try {
            r = tx.start().get(timeout.toSeconds() + 10, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            tx.cancel();
            r = null;
        }
        long elapsed = System.nanoTime() - t0;
        Thread.sleep(LINGER_MILLIS);
        List<TetherAnswer> got;
        synchronized (live) { got = List.copyOf(live); }
        List<String> notes = new ArrayList<>();
        SendResult.Status status = r == null ? SendResult.Status.CANCELLED : r.status();
        if (status != SendResult.Status.CONFIRMED) notes.add("the live sender ended " + status + ": the receiver did not confirm the Manifest");
        if (r != null && r.totalFrames() != c.manifestFrames()) {
            notes.add("the live Manifest counts " + r.totalFrames() + " data frames, the captured one " + c.manifestFrames()
                    + " (re-sends count; they follow the wire's losses)");
        }
        List<Difference> differences = new ArrayList<>(AnswerComparison.compareTether(c.answers(), got));
        if (r != null && r.checksum() != c.manifestChecksum()) {
            differences.add(new Difference(0, null, null, "the live Manifest's CRC-64 " + Long.toHexString(r.checksum())
                    + " is not the captured " + Long.toHexString(c.manifestChecksum())));
        }
        if (kept != null) {
            String k = keptDiffers(kept, c.content());
            if (k != null) differences.add(new Difference(0, null, null, k));
        }
        return new Result(c, status, r == null ? 0 : r.checksum(), r == null ? 0 : r.totalSlots(), r == null ? 0 : r.totalFrames(),
                c.answers(), got, differences, notes, elapsed);
    }

    /** Why the receiver's kept file is not the captured content, or null when it is, byte for byte. */
    static String keptDiffers(Path kept, byte[] content) {
        byte[] got;
        try {
            got = Files.readAllBytes(kept);
        } catch (IOException e) {
            return "the receiver's file " + kept + " cannot be read: " + e.getMessage();
        }
        int at = Arrays.mismatch(got, content);
        if (at < 0) return null;
        return "the receiver's file " + kept + " (" + got.length + " bytes) differs from the captured content (" + content.length
                + " bytes) from byte " + at;
    }

    /** The link, with every frame that comes in shown to {@code seen} before the sender gets it. */
    private record Tap<A>(Link<A> link, Consumer<TetherFrame> seen) implements Link<A> {
        @Override
        public void send(A to, byte[] payload) {
            link.send(to, payload);
        }

        @Override
        public void onReceive(BiConsumer<A, byte[]> receiver) {
            link.onReceive((from, payload) -> {
                if (TetherFrame.decode(payload) instanceof Decoded.Ok<TetherFrame>(TetherFrame f, int _)) seen.accept(f);
                receiver.accept(from, payload);
            });
        }

        @Override
        public void close() {
            link.close();
        }
    }
}
