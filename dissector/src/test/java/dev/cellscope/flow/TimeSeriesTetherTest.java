package dev.cellscope.flow;

import dev.cellscope.crypto.Crc64GoIso;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.EthernetHeader;
import dev.cellscope.wire.LinkLayouts;
import dev.cellscope.wire.Tai64n;
import dev.cellscope.wire.TetherControl;
import dev.cellscope.wire.TetherFrame;
import dev.cellscope.wire.TetherHeader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Tether credit series from frames built with the project's codecs, checked against the
 * accounting rules of PROTOCOLS.md section 3 applied to the script here: a grant from B to A on
 * flow F funds account (A, B, F); a non-LAMP frame from A to B on F spends its whole length.
 */
class TimeSeriesTetherTest {
    static final long A = 0xAC1D11223344L, B = 0xAC1D55667788L;
    static final long T0 = 1_764_361_337_000_000_000L, STEP = 1_000_000L, INTERVAL = 10_000_000L;
    static final int LAMP = 1;

    /** One scripted frame: who sends to whom on which flow, its flags, grant and payload blocks. */
    record Step(long from, long to, int flow, int flags, long grant, int payloadBlocks, TetherControl control) {
        int length() {
            return 64 + (control != null ? 64 : payloadBlocks * 64);
        }
    }

    static final List<Step> script = new ArrayList<>();
    static TimeSeries series;

    @BeforeAll
    static void build() {
        // Discovery: a Lamp from B granting 128, A's Hail reply granting 4096 (paid from the 128).
        script.add(new Step(B, A, 0, LAMP, 128, 0, new TetherControl.Hail(1, 0)));
        script.add(new Step(A, B, 0, 0, 4096, 0, new TetherControl.Hail(1, 0)));
        // B (the receiver) grants A 4096 bytes on flow 1 with a LAMP header (spends nothing).
        script.add(new Step(B, A, 1, LAMP, 4096, 0, null));
        for (int i = 0; i < 20; i++) script.add(new Step(A, B, 1, 0, 0, 2, null)); // 20 × 192 = 3840
        script.add(new Step(B, A, 1, LAMP, 2048, 0, null));
        for (int i = 0; i < 20; i++) script.add(new Step(A, B, 1, 0, 0, 2, null)); // 3840 more: overruns at the end
        script.add(new Step(B, A, 1, 0, 1000, 0, null)); // a non-LAMP grant header: B spends 64 it never got
        List<SeriesFeed.Timed> frames = new ArrayList<>();
        long slot = 0;
        for (int i = 0; i < script.size(); i++) frames.add(new SeriesFeed.Timed(T0 + i * STEP, encode(script.get(i), slot++)));
        series = SeriesFeed.collect(frames, TimeSeriesOptions.DEFAULT.withInterval(INTERVAL));
    }

    static byte[] encode(Step s, long slot) {
        long send = T0;
        TetherHeader h = new TetherHeader(s.flow(), s.flags(), 0, s.from(), s.to(), Tai64n.nanoOf(send), s.flow() == 0 ? 0 : slot,
                s.grant(), 0, 0, Tai64n.labelOf(send));
        TetherFrame t = s.control() != null ? TetherFrame.control(h, s.control()) : new TetherFrame(h, Bytes.zeros(s.payloadBlocks() * 64));
        byte[] tether = t.encodeWithChecksum(seg -> Crc64GoIso.tetherChecksum(seg, 0, seg.byteSize()));
        byte[] frame = new byte[14 + tether.length];
        new EthernetHeader(s.to(), s.from(), LinkLayouts.ETHERTYPE_CELL).encodeTo(MemorySegment.ofArray(frame), 0);
        System.arraycopy(tether, 0, frame, 14, tether.length);
        return frame;
    }

    /** The accounts as the rules compute them from the script. */
    static final class Expected {
        long[] granted, spent;
        List<long[]> credit = new ArrayList<>(), overruns = new ArrayList<>();
        long balance, frames;
    }

    static Map<List<Long>, Expected> expected() {
        Map<List<Long>, Expected> m = new HashMap<>();
        int n = series.intervals();
        for (int i = 0; i < script.size(); i++) {
            Step s = script.get(i);
            long t = i * STEP;
            int at = (int) (t / INTERVAL);
            Expected own = m.computeIfAbsent(List.of(s.from(), s.to(), (long) s.flow()), k -> fresh(n));
            long spend = (s.flags() & LAMP) != 0 ? 0 : s.length();
            own.frames++;
            own.spent[at] += spend;
            boolean overrun = spend > own.balance;
            own.balance -= spend;
            own.credit.add(new long[] {t, own.balance});
            if (overrun) own.overruns.add(new long[] {t, own.balance});
            if (s.grant() != 0) {
                Expected funded = m.computeIfAbsent(List.of(s.to(), s.from(), (long) s.flow()), k -> fresh(n));
                funded.frames++;
                funded.granted[at] += s.grant();
                funded.balance += s.grant();
                funded.credit.add(new long[] {t, funded.balance});
            }
        }
        return m;
    }

    static Expected fresh(int n) {
        Expected e = new Expected();
        e.granted = new long[n];
        e.spent = new long[n];
        return e;
    }

    @Test
    void accountsMatchTheRules() {
        assertEquals((script.size() - 1) * STEP / INTERVAL + 1, series.intervals());
        Map<List<Long>, Expected> expected = expected();
        assertEquals(expected.size(), series.tether().size());
        for (SeriesTetherFlow f : series.tether()) {
            Expected e = expected.get(List.of(f.sender(), f.target(), (long) f.flow()));
            assertNotNull(e, f.id());
            assertArrayEquals(e.granted, f.granted(), "granted " + f.id());
            assertArrayEquals(e.spent, f.spent(), "spent " + f.id());
            TimeSeriesUtcpTest.assertPoints(e.credit, f.credit());
            TimeSeriesUtcpTest.assertPoints(e.overruns, f.overruns());
            assertEquals(e.frames, f.frames(), f.id());
        }
    }

    @Test
    void theDataAccountIsTheBusiest() {
        SeriesTetherFlow busiest = series.busiestTether();
        assertEquals("ac:1d:11:22:33:44,ac:1d:55:66:77:88,1", busiest.id());
        assertEquals(4096 + 2048 + 1000, busiest.grantTotal());
        assertEquals(40 * 192, busiest.spentTotal());
        assertEquals(4096 + 2048 + 1000 - 40 * 192, busiest.credit().values()[busiest.credit().size() - 1]);
        assertTrue(busiest.overruns().size() > 0);
    }
}
