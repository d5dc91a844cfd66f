package dev.cellscope.flow;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * UTCP series from the simulated lossy wire, checked against what the simulation did: which
 * frames it sent as NACKs and retransmissions, and which seqs they carried.
 */
class TimeSeriesUtcpTest {
    static final long INTERVAL = 1_000_000; // 1 ms = 50 frames 20 µs apart
    static List<SeriesLossyTransfer.Frame> tap;
    static TimeSeries series;
    static long t0;

    @BeforeAll
    static void simulate() throws Exception {
        tap = SeriesLossyTransfer.run(42, 0.05, 0.02, 0.01, 60, 1200, 3);
        t0 = tap.getFirst().timeNanos();
        List<SeriesFeed.Timed> frames = new ArrayList<>();
        for (SeriesLossyTransfer.Frame f : tap) frames.add(new SeriesFeed.Timed(f.timeNanos(), f.bytes()));
        series = SeriesFeed.collect(frames, TimeSeriesOptions.DEFAULT.withInterval(INTERVAL));
    }

    static int interval(SeriesLossyTransfer.Frame f) {
        return (int) ((f.timeNanos() - t0) / INTERVAL);
    }

    @Test
    void simulationHasLoss() {
        assertTrue(tap.stream().filter(f -> f.kind().equals("NACK")).count() >= 5, "the seed should lose packets");
        assertEquals(INTERVAL, series.intervalNanos());
        assertEquals(interval(tap.getLast()) + 1, series.intervals());
        assertEquals(tap.getLast().timeNanos() - t0, series.durationNanos());
    }

    @Test
    void framesAndBytesPerInterval() {
        long[] frames = new long[series.intervals()], bytes = new long[series.intervals()];
        for (SeriesLossyTransfer.Frame f : tap) {
            frames[interval(f)]++;
            bytes[interval(f)] += f.bytes().length;
        }
        assertArrayEquals(frames, series.frames());
        assertArrayEquals(bytes, series.bytes());
    }

    @Test
    void nacksAndMissingSeqsPerInterval() {
        // The simulated receiver NACKs single seqs; the sender re-sends each right after the NACK.
        long[] nacks = new long[series.intervals()], seqs = new long[series.intervals()], retrans = new long[series.intervals()];
        int lastNack = -1;
        for (SeriesLossyTransfer.Frame f : tap) {
            if (f.kind().equals("NACK")) {
                nacks[interval(f)]++;
                lastNack = interval(f);
            } else if (f.kind().equals("RETRANSMISSION")) {
                seqs[lastNack]++;
                retrans[interval(f)]++;
            }
        }
        assertArrayEquals(nacks, series.nackPackets());
        assertArrayEquals(seqs, series.nackSeqs());
        assertArrayEquals(retrans, series.retransmissions());
    }

    @Test
    void goodputCountsEachSeqOnce() {
        long[] expected = new long[series.intervals()];
        Set<Long> seen = new HashSet<>();
        for (SeriesLossyTransfer.Frame f : tap) {
            if (f.data() && seen.add(f.seq())) expected[interval(f)] += f.payloadLength();
        }
        assertArrayEquals(expected, series.goodputBytes());
    }

    @Test
    void stevensPointsOfTheDataDirection() {
        assertEquals(1, series.utcp().size(), "only A→B carries DATA (B→A sends only its SYN and the NACKs)");
        SeriesUtcpDirection ab = series.utcp().getFirst();
        assertEquals("0:0", ab.id());
        assertEquals("11".repeat(16), ab.src());
        assertEquals("22".repeat(16), ab.dst());

        List<long[]> data = new ArrayList<>(), retrans = new ArrayList<>(), nacks = new ArrayList<>();
        SeriesLossyTransfer.Frame lastNack = null;
        for (SeriesLossyTransfer.Frame f : tap) {
            long t = f.timeNanos() - t0;
            if (f.data()) data.add(new long[] {t, f.seq()});
            if (f.kind().equals("RETRANSMISSION")) {
                retrans.add(new long[] {t, f.seq()});
                nacks.add(new long[] {lastNack.timeNanos() - t0, f.seq()}); // each NACK range names one re-sent seq
            }
            if (f.kind().equals("NACK")) lastNack = f;
        }
        assertPoints(data, ab.data());
        assertPoints(retrans, ab.retransmissions());
        assertPoints(nacks, ab.nacks());
        assertFalse(ab.data().decimated());
    }

    static void assertPoints(List<long[]> expected, SeriesXY actual) {
        assertEquals(expected.size(), actual.size());
        assertEquals(expected.size(), actual.seen());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i)[0], actual.timesNanos()[i], "time of point " + i);
            assertEquals(expected.get(i)[1], actual.values()[i], "value of point " + i);
        }
    }

    @Test
    void cappedPointsKeepTheExtremes() throws Exception {
        List<SeriesFeed.Timed> frames = new ArrayList<>();
        for (SeriesLossyTransfer.Frame f : tap) frames.add(new SeriesFeed.Timed(f.timeNanos(), f.bytes()));
        TimeSeries small = SeriesFeed.collect(frames, new TimeSeriesOptions(INTERVAL, 100_000, 64, 16));
        SeriesXY data = small.utcp().getFirst().data();
        long dataFrames = tap.stream().filter(SeriesLossyTransfer.Frame::data).count();
        assertTrue(data.decimated());
        assertTrue(data.size() <= 64, "kept " + data.size());
        assertEquals(dataFrames, data.seen());
        long max = tap.stream().filter(SeriesLossyTransfer.Frame::data).mapToLong(SeriesLossyTransfer.Frame::seq).max().orElseThrow();
        assertEquals(max, java.util.Arrays.stream(data.values()).max().orElseThrow());
        assertEquals(1001, java.util.Arrays.stream(data.values()).min().orElseThrow());
    }

    @Test
    void automaticIntervalIsRoundAndBounded() throws Exception {
        List<SeriesFeed.Timed> frames = new ArrayList<>();
        for (SeriesLossyTransfer.Frame f : tap) frames.add(new SeriesFeed.Timed(f.timeNanos(), f.bytes()));
        TimeSeries auto = SeriesFeed.collect(frames, TimeSeriesOptions.DEFAULT);
        assertTrue(auto.intervals() <= TimeSeriesOptions.AUTO_INTERVALS && auto.intervals() >= 40, "intervals " + auto.intervals());
        assertTrue(Set.of(1_000L, 2_000L, 10_000L, 20_000L, 100_000L, 200_000L, 1_000_000L).contains(auto.intervalNanos()),
                "interval " + auto.intervalNanos());
        assertEquals(tap.size(), java.util.Arrays.stream(auto.frames()).sum());
        assertEquals(java.util.Arrays.stream(series.nackSeqs()).sum(), java.util.Arrays.stream(auto.nackSeqs()).sum());
    }

    @Test
    void fixedIntervalWidensPastTheCap() throws Exception {
        List<SeriesFeed.Timed> frames = new ArrayList<>();
        for (SeriesLossyTransfer.Frame f : tap) frames.add(new SeriesFeed.Timed(f.timeNanos(), f.bytes()));
        TimeSeries wide = SeriesFeed.collect(frames, new TimeSeriesOptions(10_000, 10, 1000, 16));
        assertTrue(wide.intervals() <= 10);
        assertEquals(10_000, wide.requestedNanos());
        assertTrue(wide.intervalNanos() > 10_000 && Long.bitCount(wide.intervalNanos() / 10_000) == 1, "doubled: " + wide.intervalNanos());
        assertArrayEquals(SeriesFeed.collect(frames, TimeSeriesOptions.DEFAULT.withInterval(wide.intervalNanos())).frames(), wide.frames());
    }
}
