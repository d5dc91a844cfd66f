package dev.cellscope.flow;

import dev.cellscope.analysis.AnalysisConfig;
import dev.cellscope.analysis.CaptureAnalysis;
import dev.cellscope.dissect.Dissector;
import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.expert.Expert;
import dev.cellscope.field.FieldDef;
import dev.cellscope.io.CaptureReader;
import dev.cellscope.io.Packet;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The same traffic captured after the sender's segmentation (a mirror port: one frame per datagram) and before it
 * (the sender's lo: a UDP GSO train per send) must analyse alike. A committed sample's frames are put in UDP here
 * (PROTOCOLS.md's encapsulation), then into trains by the kernel's rule (consecutive datagrams of one socket pair, equal sizes, a shorter one
 * last, at most 64 and 65,507 bytes), written apart from the dissector's {@code GsoTrain}; the datagrams of a train
 * get its first one's time in both captures, as a mirror port would see a burst. The samples' losses give gaps, NACKs,
 * retransmissions and re-sent slots to agree on.
 */
class GsoTrainFlowsTest {
    private static final int ETH = 14, IP = 20, UDP = 8, MAX_SEGMENTS = 64, MAX_BYTES = 65_507;

    @ParameterizedTest
    @ValueSource(strings = {"lossy-mesh", "tether-lamp"})
    void aCaptureWithItsDatagramsInGsoTrainsGivesTheSameFlowsAndFindings(String sample) throws Exception {
        List<byte[]> frames = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open(Path.of("..", "samples", "captures", sample + ".pcapng"))) {
            for (Packet p; (p = r.next()) != null; ) {
                assertEquals(p.capturedLength(), p.originalLength());
                frames.add(overUdp(p.data().toArray(ValueLayout.JAVA_BYTE)));
                times.add(p.timestampNanos());
            }
        }
        List<Packet> segmented = new ArrayList<>(), trains = new ArrayList<>();
        int merged = 0, longest = 0;
        for (int i = 0; i < frames.size(); ) {
            int j = i + 1;
            while (j < frames.size() && joins(frames, i, j)) j++;
            long t = times.get(i);
            for (int k = i; k < j; k++) segmented.add(Packet.of(segmented.size() + 1, t, frames.get(k)));
            trains.add(Packet.of(trains.size() + 1, t, j - i > 1 ? train(frames.subList(i, j)) : frames.get(i)));
            if (j - i > 1) merged++;
            longest = Math.max(longest, j - i);
            i = j;
        }
        assertTrue(merged >= 10 && longest >= 8, "the sample gives trains to cut: " + merged + ", longest " + longest);

        Result a = analyse(segmented), b = analyse(trains);
        assertEquals(merged, b.gsoNotes, "one udp.gso_train note per train");
        assertEquals(0, a.gsoNotes);
        assertEquals(a.findings, b.findings, "the same findings, kind by kind");
        assertEquals(a.rows.size(), b.rows.size());
        for (int i = 0; i < a.rows.size(); i++) {
            assertEquals(withoutFrameNumbers(a.rows.get(i)), withoutFrameNumbers(b.rows.get(i)), "flow row " + i);
        }
        assertTrue(a.rows.stream().anyMatch(r -> Long.parseLong(r.get("packets")) > 50), a.rows.toString());

        // The plots' series (NACKs, retransmissions, goodput, per-direction seqs, credit): the same. Frames and bytes
        // per interval count what was captured (a frame), as tshark's io graph does, so they are left out.
        String seriesA = describe(SeriesFeed.collect(timed(segmented), TimeSeriesOptions.DEFAULT));
        String seriesB = describe(SeriesFeed.collect(timed(trains), TimeSeriesOptions.DEFAULT));
        assertEquals(seriesA, seriesB);
        assertTrue(seriesA.length() > 1_000, seriesA);
        assertFalse(a.findings.isEmpty(), "the sample's losses give findings to agree on");
    }

    /** Whether frame {@code j} continues the train that frame {@code i} starts. */
    private static boolean joins(List<byte[]> frames, int i, int j) {
        byte[] first = frames.get(i), prev = frames.get(j - 1), next = frames.get(j);
        if (!udp(first) || !udp(next)) return false;
        // One socket pair (IP addresses and UDP ports), one sender and receiver: UTCP's CellIDs, Tether's identities.
        if (!Arrays.equals(first, 26, 38, next, 26, 38)) return false;
        int at = ETH + IP + UDP;
        boolean tether = first[at] == 0x4C && first[at + 1] == 0x4F;
        if (tether != (next[at] == 0x4C && next[at + 1] == 0x4F)) return false;
        int from = tether ? at + 8 : at, to = tether ? at + 20 : at + 32;
        if (!Arrays.equals(first, from, to, next, from, to)) return false;
        int size = payload(first), count = j - i + 1;
        long total = 0;
        for (int k = i; k <= j; k++) total += payload(frames.get(k));
        return payload(prev) == size && payload(next) <= size && count <= MAX_SEGMENTS && total <= MAX_BYTES;
    }

    private static boolean udp(byte[] f) {
        return f.length >= ETH + IP + UDP + 40 && f[12] == 0x08 && f[13] == 0x00 && (f[14] & 0xFF) == 0x45 && f[23] == 17
                && (port(f, 34) == 34997 || port(f, 36) == 34997) && f.length == ETH + IP + UDP + payload(f);
    }

    /**
     * A raw 0x88B5 frame as PROTOCOLS.md's UDP encapsulation carries it: the bytes after the EtherType (less Ethernet
     * padding: a UTCP packet is 40 + payload_len) in IPv4/UDP, port 34997 both ways, 10.0.x.y from the MACs' last
     * bytes. Other frames stay as they are.
     */
    private static byte[] overUdp(byte[] f) {
        if (f.length < ETH + 40 || f[12] != (byte) 0x88 || f[13] != (byte) 0xB5) return f;
        boolean tether = f[ETH] == 0x4C && f[ETH + 1] == 0x4F;
        int carried = tether ? f.length - ETH : Math.min(f.length - ETH, 40 + port(f, ETH + 38));
        ByteBuffer b = ByteBuffer.allocate(ETH + IP + UDP + carried);
        b.put(f, 0, 12).putShort((short) 0x0800);
        b.put((byte) 0x45).put((byte) 0).putShort((short) (IP + UDP + carried)).putInt(0).put((byte) 64).put((byte) 17).putShort((short) 0);
        b.put((byte) 10).put((byte) 0).put(f[10]).put(f[11]).put((byte) 10).put((byte) 0).put(f[4]).put(f[5]);
        b.putShort((short) 34997).putShort((short) 34997).putShort((short) (UDP + carried)).putShort((short) 0);
        b.put(f, ETH, carried);
        return b.array();
    }

    private static int port(byte[] f, int at) {
        return ((f[at] & 0xFF) << 8) | (f[at + 1] & 0xFF);
    }

    private static int payload(byte[] f) {
        return port(f, 38) - UDP; // the UDP length field
    }

    /** The datagrams as one: the first's headers, IP and UDP lengths over the sum. */
    private static byte[] train(List<byte[]> parts) {
        int sum = parts.stream().mapToInt(GsoTrainFlowsTest::payload).sum();
        ByteBuffer b = ByteBuffer.allocate(ETH + IP + UDP + sum);
        b.put(parts.getFirst(), 0, ETH + IP + UDP);
        for (byte[] p : parts) b.put(p, ETH + IP + UDP, payload(p));
        byte[] out = b.array();
        ByteBuffer.wrap(out).putShort(ETH + 2, (short) (IP + UDP + sum)).putShort(ETH + IP + 4, (short) (UDP + sum));
        return out;
    }

    private record Result(List<Map<String, String>> rows, Map<String, Integer> findings, int gsoNotes) {}

    private static Result analyse(List<Packet> packets) {
        List<FlowRow> rows = new ArrayList<>();
        FlowTable table = new FlowTable(FlowTable.Config.DEFAULT, EnumSet.allOf(FlowKind.class), rows::add);
        Map<String, Integer> findings = new TreeMap<>();
        int[] gso = {0};
        // The flow table, plus every finding (the frame's own and the analysis's) counted by kind.
        FieldSink sink = new FieldSink() {
            @Override public boolean wants(FieldDef f) { return table.wants(f); }
            @Override public boolean wantsLayer(FieldDef f) { return true; }
            @Override public void protocol(FieldDef f, int o, int l) { table.protocol(f, o, l); }
            @Override public void number(FieldDef f, int o, int l, long v) { table.number(f, o, l, v); }
            @Override public void bytes(FieldDef f, int o, int l, MemorySegment s, long from, int n) { table.bytes(f, o, l, s, from, n); }
            @Override public void text(FieldDef f, int o, int l, String v) { table.text(f, o, l, v); }
            @Override public void gsoSegment(int index, int wireLength) { table.gsoSegment(index, wireLength); }
            @Override public void endFrame() { table.endFrame(); }

            @Override
            public void expert(Expert e, int o, int l) {
                if (e.id().equals("udp.gso_train")) gso[0]++;
                else findings.merge(e.id(), 1, Integer::sum);
            }
        };
        CaptureAnalysis analysis = CaptureAnalysis.singlePass(AnalysisConfig.defaults());
        Dissector d = new Dissector();
        long first = packets.getFirst().timestampNanos(), prev = first;
        for (Packet p : packets) {
            FrameTiming timing = new FrameTiming(first, prev);
            d.dissect(p, timing, analysis, sink);
            prev = p.timestampNanos();
        }
        for (Expert e : analysis.finish()) findings.merge(e.id(), 1, Integer::sum);
        table.finish();
        return new Result(FlowCapture.parse(FlowCapture.csv(rows, EnumSet.allOf(FlowKind.class))), findings, gso[0]);
    }

    private static List<SeriesFeed.Timed> timed(List<Packet> packets) {
        return packets.stream().map(p -> new SeriesFeed.Timed(p.timestampNanos(), p.data().toArray(ValueLayout.JAVA_BYTE))).toList();
    }

    /** Every component of a series record, arrays spelled out, except the per-frame counts. */
    private static String describe(Object value) throws ReflectiveOperationException {
        if (value instanceof long[] a) return Arrays.toString(a);
        if (value instanceof List<?> list) {
            StringBuilder b = new StringBuilder("[");
            for (Object o : list) b.append(describe(o)).append(";\n");
            return b.append(']').toString();
        }
        if (value instanceof Record r) {
            StringBuilder b = new StringBuilder(r.getClass().getSimpleName()).append('{');
            for (var c : r.getClass().getRecordComponents()) {
                if (r instanceof TimeSeries && (c.getName().equals("frames") || c.getName().equals("bytes"))) continue;
                b.append(c.getName()).append('=').append(describe(c.getAccessor().invoke(r))).append(' ');
            }
            return b.append('}').toString();
        }
        return String.valueOf(value);
    }

    private static Map<String, String> withoutFrameNumbers(Map<String, String> row) {
        Map<String, String> m = new TreeMap<>(row);
        m.remove("first_frame");
        m.remove("last_frame");
        return m;
    }
}
