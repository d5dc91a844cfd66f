package dev.cellscope.gui.model;

import dev.cellscope.filter.DisplayFilter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The index-side filter against a session: for filters over a frame's own fields, the frames it
 * finds on the mapped capture, in many small chunks on three threads, are exactly those a
 * {@code cellscope read -Y} session ({@link FilterRun}) finds, in frame order.
 */
class IndexFilterTest {
    private static final Path SAMPLES = Path.of(System.getProperty("gui.samples", "../samples/captures"));

    static LoadedCapture load(Path file) throws Exception {
        CaptureLoad load = new CaptureLoad(file, ColourRule.DEFAULTS);
        AtomicReference<LoadedCapture> done = new AtomicReference<>();
        CountDownLatch end = new CountDownLatch(1);
        load.start(c -> { done.set(c); end.countDown(); }, m -> { fail(m); end.countDown(); }).join();
        assertNotNull(done.get());
        return done.get();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "lossy-mesh.pcapng|utcp.flags.nack == 1",
            "lossy-mesh.pcapng|utcp && frame.len > 1000",
            "lossy-mesh.pcapng|frame.time_delta > 0.001",
            "lossy-mesh.pcapng|frame.number >= 100 && frame.number < 117",
            "tether-overrun.pcapng|tether.flags.lamp == 1 || tether.ctrl.tag == 4",
            "tether-overrun.pcapng|tether && frame.number > 50",
            "mixed-wire.pcapng|!utcp",
            "corrupt-block.pcapng|utcp.seq > 5 && frame.number < 100",
    })
    void findsWhatASessionFinds(String sample, String expression) throws Exception {
        Path file = SAMPLES.resolve(sample);
        assertTrue(Files.isRegularFile(file), file.toString());
        LoadedCapture c = load(file);
        DisplayFilter f = DisplayFilter.compile(expression);
        assertTrue(IndexFilter.canRun(f));
        int[] session = new FilterRun(file, f).run();
        try (FrameStore store = new FrameStore(file, c.index())) {
            IndexFilter run = new IndexFilter(c.index(), store, f, 3, 7);
            int[] onIndex = run.run();
            assertArrayEquals(session, onIndex, expression);
            assertEquals(1.0, run.fraction());
            FilterJob.Matches all = run.soFar();
            assertArrayEquals(onIndex, Arrays.copyOf(all.frames(), all.count()));
        }
        assertTrue(session.length > 0 && session.length < c.index().size(), expression + ": a filter that tells frames apart (" + session.length + ")");
    }

    @Test
    void analysedFiltersAreNotRunOnTheIndex() {
        assertFalse(IndexFilter.canRun(DisplayFilter.compile("utcp.analysis.retransmission")));
        assertFalse(IndexFilter.canRun(DisplayFilter.compile("expert.severity >= warn")));
        assertFalse(IndexFilter.canRun(DisplayFilter.compile("eth && sbi.op == BLOCK_PUT")));
        assertTrue(IndexFilter.canRun(DisplayFilter.compile("eth.src == 02:00:00:00:00:01")));
    }

    @Test
    void aCancelledFilterReturnsNullAndStops() throws Exception {
        Path file = SAMPLES.resolve("lossy-mesh.pcapng");
        LoadedCapture c = load(file);
        try (FrameStore store = new FrameStore(file, c.index())) {
            IndexFilter run = new IndexFilter(c.index(), store, DisplayFilter.compile("utcp"), 2, 1);
            run.cancel();
            assertNull(run.run());
            assertTrue(run.fraction() < 1.0, "cancelled before it began: no chunk done");
        }
    }
}
