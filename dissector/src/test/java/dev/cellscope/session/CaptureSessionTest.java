package dev.cellscope.session;

import dev.cellscope.analysis.AnalysisConfig;
import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.field.FieldDef;
import dev.cellscope.field.FrameFields;
import dev.cellscope.field.UtcpFields;
import dev.cellscope.io.CaptureError;
import dev.cellscope.io.CaptureReader;
import dev.cellscope.io.InterfaceInfo;
import dev.cellscope.io.Packet;
import dev.cellscope.io.PacketSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The capture session on its own: every consumer sees every frame, passes and progress, cancel
 * (also of a source that never ends and of one that blocks), damage, limits and open failures.
 * Expected frame counts come from reading the file directly with the capture reader.
 */
class CaptureSessionTest {
    private static final Path LOSSY = Path.of("..", "samples", "captures", "lossy-mesh.pcapng");
    private static final AnalysisConfig ANALYSIS = new AnalysisConfig(null, true, false);

    @TempDir
    Path dir;

    /** A sink interested only in some numeric fields. */
    private abstract static class NumberSink implements FieldSink {
        @Override public boolean wantsExperts() { return false; }
        @Override public void protocol(FieldDef field, int offset, int length) {}
        @Override public void bytes(FieldDef field, int offset, int length, MemorySegment seg, long from, int count) {}
        @Override public void text(FieldDef field, int offset, int length, String value) {}
        @Override public void expert(dev.cellscope.expert.Expert expert, int offset, int length) {}
    }

    /** Records frame numbers and the UTCP seqs the dissection offered it. */
    private static final class Recorder implements FrameConsumer {
        final List<Long> numbers = new ArrayList<>();
        final List<Long> seqs = new ArrayList<>();
        SessionResult end;
        int begins;

        @Override
        public void begin() {
            begins++;
        }

        @Override
        public FieldSink sink() {
            return new NumberSink() {
                @Override
                public boolean wants(FieldDef f) {
                    return f == FrameFields.NUMBER || f == UtcpFields.SEQ;
                }

                @Override
                public void number(FieldDef f, int offset, int length, long value) {
                    if (f == FrameFields.NUMBER) numbers.add(value);
                    else seqs.add(value);
                }
            };
        }

        @Override
        public void end(SessionResult result) {
            end = result;
        }
    }

    private static long framesIn(Path file) throws IOException {
        try (CaptureReader r = CaptureReader.open(file)) {
            long n = 0;
            while (r.next() != null) n++;
            return n;
        }
    }

    @Test
    void everyConsumerSeesEveryFrameAndProgressEndsAtTheFileSize() throws Exception {
        long expected = framesIn(LOSSY);
        Recorder a = new Recorder(), b = new Recorder();
        CaptureSession s = new CaptureSession(new FileSource(LOSSY), SessionOptions.of(ANALYSIS));
        SessionResult r = s.run(a, b);
        assertEquals(expected, r.frames());
        assertEquals(expected, a.numbers.size());
        assertEquals(a.numbers, b.numbers);
        assertEquals(a.seqs, b.seqs);
        assertEquals(1, a.numbers.getFirst());
        assertEquals(expected, a.numbers.getLast());
        assertFalse(r.cancelled());
        assertTrue(r.damage().isEmpty());
        assertSame(r, a.end);
        assertEquals(1, a.begins);
        Progress p = s.progress();
        assertEquals(Files.size(LOSSY), p.totalBytes().orElseThrow());
        assertEquals(Files.size(LOSSY), p.bytes());
        assertEquals(1.0, p.fraction().orElseThrow(), 1e-9);
        assertThrows(IllegalStateException.class, () -> s.run(a), "a session runs once");
    }

    @Test
    void progressRisesThroughBothPassesOfATwoPassRead() throws Exception {
        List<Progress> seen = new ArrayList<>();
        CaptureSession s = new CaptureSession(new FileSource(LOSSY), SessionOptions.of(ANALYSIS).withTwoPass(true));
        Recorder r = new Recorder();
        s.run(r, new FrameConsumer() {
            @Override
            public FieldSink sink() {
                return FieldSink.discard();
            }

            @Override
            public void frame(Packet packet, FrameTiming timing) {
                seen.add(s.progress());
            }
        });
        assertEquals(framesIn(LOSSY), seen.size(), "consumers see the second pass only");
        double last = 0;
        for (Progress p : seen) {
            assertEquals(2, p.pass());
            assertEquals(2, p.passes());
            double f = p.fraction().orElseThrow();
            assertTrue(f > 0.5 && f <= 1.0, "second pass is the second half: " + f);
            assertTrue(f >= last, "progress never goes back");
            last = f;
        }
        assertEquals(1.0, last, 1e-9);
    }

    @Test
    void aTwoPassReadShowsLinksToLaterFramesThatOnePassCannot() throws Exception {
        FieldDef reassembledIn = dev.cellscope.field.FieldRegistry.byName("sbi.reassembled_in");
        FieldDef answeredIn = dev.cellscope.field.FieldRegistry.byName("utcp.analysis.answered_in");
        long[] counts = new long[2];
        for (int pass = 1; pass <= 2; pass++) {
            AtomicLong links = new AtomicLong();
            new CaptureSession(new FileSource(LOSSY), SessionOptions.of(ANALYSIS).withTwoPass(pass == 2)).run(() -> new NumberSink() {
                @Override
                public boolean wants(FieldDef f) {
                    return f == reassembledIn || f == answeredIn;
                }

                @Override
                public void number(FieldDef f, int offset, int length, long value) {
                    links.incrementAndGet();
                }
            });
            counts[pass - 1] = links.get();
        }
        assertEquals(0, counts[0], "one pass cannot know later frames");
        assertTrue(counts[1] > 0, "lossy-mesh has NACKs answered later and messages completed later");
    }

    @Test
    void cancelFromAConsumerStopsAfterTheFrameInHand() throws Exception {
        CaptureSession s = new CaptureSession(new FileSource(LOSSY), SessionOptions.of(ANALYSIS));
        Recorder r = new Recorder();
        SessionResult result = s.run(r, new FrameConsumer() {
            @Override
            public FieldSink sink() {
                return FieldSink.discard();
            }

            @Override
            public void frame(Packet packet, FrameTiming timing) {
                if (packet.number() == 10) s.cancel();
            }
        });
        assertTrue(result.cancelled());
        assertEquals(10, result.frames());
        assertEquals(10, r.numbers.size());
        assertTrue(r.end.cancelled());
        assertTrue(result.damage().isEmpty());
    }

    /** Frames of a real capture played again and again, with no end and no size: a stand-in for a live interface. */
    private static final class EndlessSource implements PacketSource {
        private final List<byte[]> frames = new ArrayList<>();
        private final CountDownLatch blockAfter;
        private final long blockAt;
        private volatile boolean cancelled;
        private long n;
        private long bytes;

        EndlessSource(Path file, long blockAt) throws IOException {
            try (CaptureReader r = CaptureReader.open(file)) {
                Packet p;
                while ((p = r.next()) != null) frames.add(p.data().toArray(ValueLayout.JAVA_BYTE));
            }
            this.blockAt = blockAt;
            this.blockAfter = new CountDownLatch(1);
        }

        @Override public String name() { return "endless"; }

        @Override
        public Packet next() {
            if (n == blockAt) {
                try {
                    blockAfter.await(); // as a live source waits for traffic that does not come
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (cancelled) return null;
            byte[] b = frames.get((int) (n % frames.size()));
            bytes += b.length;
            n++;
            return new Packet(n, 1_800_000_000_000_000_000L + n * 1000, 0, Packet.LINKTYPE_ETHERNET, b.length,
                    MemorySegment.ofArray(b), null);
        }

        @Override public List<InterfaceInfo> interfaces() { return List.of(); }
        @Override public Optional<CaptureError> error() { return Optional.empty(); }
        @Override public long bytesRead() { return bytes; }
        @Override public OptionalLong totalBytes() { return OptionalLong.empty(); }

        @Override
        public void cancel() {
            cancelled = true;
            blockAfter.countDown();
        }

        @Override public void close() {}
    }

    private static SourceOpener once(PacketSource source) {
        return new SourceOpener() {
            @Override public PacketSource open() { return source; }
            @Override public String name() { return source.name(); }
        };
    }

    @Test
    void anUnboundedSourceRunsUntilCancelledFromAnotherThreadWithAndWithoutAnalysis() throws Exception {
        for (AnalysisConfig analysis : new AnalysisConfig[] {null, ANALYSIS}) {
            EndlessSource source = new EndlessSource(LOSSY, Long.MAX_VALUE);
            CaptureSession s = new CaptureSession(once(source), SessionOptions.of(analysis));
            CompletableFuture<SessionResult> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return s.run(new Recorder());
                } catch (SourceException e) {
                    throw new AssertionError(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (s.progress().frames() < 20_000 && System.nanoTime() < deadline) Thread.sleep(5);
            Progress p = s.progress();
            assertTrue(p.frames() >= 20_000, "the session kept reading");
            assertTrue(p.totalBytes().isEmpty());
            assertTrue(p.fraction().isEmpty(), "no fraction without a size");
            s.cancel();
            SessionResult r = run.get(30, TimeUnit.SECONDS);
            assertTrue(r.cancelled());
            assertTrue(r.frames() >= 20_000);
        }
    }

    @Test
    void cancelWakesASourceThatWaitsForPackets() throws Exception {
        for (AnalysisConfig analysis : new AnalysisConfig[] {null, ANALYSIS}) {
            EndlessSource source = new EndlessSource(LOSSY, 100);
            CaptureSession s = new CaptureSession(once(source), SessionOptions.of(analysis));
            Recorder r = new Recorder();
            CompletableFuture<SessionResult> run = CompletableFuture.supplyAsync(() -> {
                try {
                    return s.run(r);
                } catch (SourceException e) {
                    throw new AssertionError(e);
                }
            });
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (s.progress().frames() < 100 && System.nanoTime() < deadline) Thread.sleep(5);
            Thread.sleep(100);
            assertFalse(run.isDone(), "the source is waiting for packets");
            s.cancel();
            SessionResult result = run.get(10, TimeUnit.SECONDS);
            assertTrue(result.cancelled());
            assertEquals(100, result.frames());
            assertEquals(100, r.numbers.size());
        }
    }

    @Test
    void twoPassesNeedASourceThatCanBeReadAgain() throws Exception {
        EndlessSource live = new EndlessSource(LOSSY, Long.MAX_VALUE);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new CaptureSession(once(live), SessionOptions.of(ANALYSIS).withTwoPass(true)));
        assertTrue(e.getMessage().contains("two passes need a source that can be read again"), e.getMessage());
    }

    @Test
    void aDamagedFileDeliversTheFramesBeforeTheDamageThenSaysWhere() throws Exception {
        byte[] whole = Files.readAllBytes(LOSSY);
        Path cut = dir.resolve("cut.pcapng");
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
        long before;
        try (CaptureReader r = CaptureReader.open(cut)) {
            before = 0;
            while (r.next() != null) before++;
            assertTrue(r.error().isPresent());
        }
        for (AnalysisConfig analysis : new AnalysisConfig[] {null, ANALYSIS}) {
            Recorder rec = new Recorder();
            SessionResult r = new CaptureSession(new FileSource(cut), SessionOptions.of(analysis)).run(rec);
            assertEquals(before, r.frames());
            assertEquals(before, rec.numbers.size());
            CaptureError damage = r.damage().orElseThrow();
            assertTrue(damage.offset() > 0 && damage.offset() < whole.length / 2);
            assertTrue(rec.end.damage().isPresent(), "consumers learn of the damage too");
        }
    }

    @Test
    void aFrameLimitStopsBothTheReaderAndTheAnalysisThere() throws Exception {
        Recorder limited = new Recorder();
        SessionResult r = new CaptureSession(new FileSource(LOSSY), SessionOptions.of(ANALYSIS).withMaxFrames(50)).run(limited);
        assertEquals(50, r.frames());
        assertEquals(50, limited.numbers.size());
        assertTrue(r.damage().isEmpty());
        // The end findings are those of an analysis that saw exactly 50 frames: the same on every run.
        SessionResult again = new CaptureSession(new FileSource(LOSSY), SessionOptions.of(ANALYSIS).withMaxFrames(50)).run(new Recorder());
        assertEquals(r.findings().toString(), again.findings().toString());
    }

    @Test
    void aSourceThatCannotBeOpenedFailsBeforeAnyConsumerIsCalled() {
        Recorder r = new Recorder();
        SourceException e = assertThrows(SourceException.class,
                () -> new CaptureSession(new FileSource(dir.resolve("absent.pcapng")), SessionOptions.of(ANALYSIS)).run(r));
        assertTrue(e.getMessage().endsWith("absent.pcapng: no such file"), e.getMessage());
        assertEquals(0, r.begins);
        assertNull(r.end);
        SourceException d = assertThrows(SourceException.class,
                () -> new CaptureSession(new FileSource(dir), SessionOptions.of(null)).run(r));
        assertTrue(d.getMessage().endsWith("is a directory, not a capture file"), d.getMessage());
    }

    @Test
    void aConsumerFailureClosesTheSourceAndReachesTheCaller() {
        AtomicBoolean thrown = new AtomicBoolean();
        CaptureSession s = new CaptureSession(new FileSource(LOSSY), SessionOptions.of(ANALYSIS));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> s.run(new FrameConsumer() {
            @Override
            public FieldSink sink() {
                return FieldSink.discard();
            }

            @Override
            public void frame(Packet packet, FrameTiming timing) {
                thrown.set(true);
                throw new IllegalStateException("output failed");
            }
        }));
        assertEquals("output failed", e.getMessage());
        assertTrue(thrown.get());
        assertTrue(s.interfaces().isEmpty(), "nothing is left open");
    }
}
