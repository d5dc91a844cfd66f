package dev.cellscope.flow;

import dev.cellscope.analysis.AnalysisConfig;
import dev.cellscope.analysis.CaptureAnalysis;
import dev.cellscope.crypto.Crc64GoIso;
import dev.cellscope.dissect.Dissector;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.io.Packet;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.EthernetHeader;
import dev.cellscope.wire.LinkLayouts;
import dev.cellscope.wire.TetherFrame;
import dev.cellscope.wire.UtcpHeader;
import dev.cellscope.wire.UtcpPacket;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Test helper: frames built with the project's codecs, fed through analysis into a flow table. */
final class FlowCapture {
    final List<Packet> packets = new ArrayList<>();

    static byte[] cell(int fill) {
        byte[] b = new byte[16];
        java.util.Arrays.fill(b, (byte) fill);
        return b;
    }

    static String hex(byte[] b) {
        return java.util.HexFormat.of().formatHex(b);
    }

    /** Adds a frame captured at {@code time}; returns its bytes. */
    byte[] add(long time, byte[] frame) {
        packets.add(Packet.of(packets.size() + 1, time, frame));
        return frame;
    }

    static byte[] utcp(byte[] src, byte[] dst, long seq, long flags, byte[] payload) {
        byte[] p = new UtcpPacket(new UtcpHeader(Bytes.of(src), Bytes.of(dst), seq, (int) flags, payload.length), Bytes.of(payload)).encode();
        return ethernet(0x020000000000L | (dst[0] & 0xFF), 0x020000000000L | (src[0] & 0xFF), p);
    }

    static byte[] tether(TetherFrame f) {
        byte[] t = f.encodeWithChecksum(seg -> Crc64GoIso.tetherChecksum(seg, 0, seg.byteSize()));
        return ethernet(f.header().target(), f.header().sender(), t);
    }

    private static byte[] ethernet(long dst, long src, byte[] payload) {
        byte[] f = new byte[Math.max(60, 14 + payload.length)];
        new EthernetHeader(dst, src, LinkLayouts.ETHERTYPE_CELL).encodeTo(MemorySegment.ofArray(f), 0);
        System.arraycopy(payload, 0, f, 14, payload.length);
        return f;
    }

    /** Dissects every frame with single-pass analysis into a flow table; returns the rows in the order handed over. */
    List<FlowRow> rows(FlowTable.Config config, Set<FlowKind> kinds) {
        List<FlowRow> rows = new ArrayList<>();
        FlowTable table = new FlowTable(config, kinds, rows::add);
        feed(table);
        table.finish();
        return rows;
    }

    void feed(FlowTable table) {
        feed((dev.cellscope.dissect.FieldSink) table);
    }

    /** Dissects every frame into any sink (e.g. one that wraps a flow table). */
    void feed(dev.cellscope.dissect.FieldSink table) {
        CaptureAnalysis analysis = CaptureAnalysis.singlePass(AnalysisConfig.defaults());
        Dissector d = new Dissector();
        long first = packets.getFirst().timestampNanos(), prev = first;
        for (Packet p : packets) {
            d.dissect(p, new FrameTiming(first, prev), analysis, table);
            prev = p.timestampNanos();
        }
        analysis.finish();
    }

    /** The rows as CSV text, written by {@link FlowCsv}. */
    static String csv(List<FlowRow> rows, Set<FlowKind> kinds) {
        StringWriter w = new StringWriter();
        try (FlowCsv csv = new FlowCsv(w, kinds)) {
            rows.forEach(csv::flow);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return w.toString();
    }

    /** Parses CSV text with Commons CSV into column → value maps (header lines start new tables). */
    static List<Map<String, String>> parse(String csv) {
        List<Map<String, String>> out = new ArrayList<>();
        try (CSVParser p = CSVParser.parse(new StringReader(csv), FlowCsv.FORMAT)) {
            List<String> header = null;
            for (CSVRecord r : p) {
                if (r.get(0).equals("kind")) {
                    header = r.toList();
                    continue;
                }
                assertEquals(header.size(), r.size(), "a row has as many values as its header");
                Map<String, String> m = new LinkedHashMap<>();
                for (int i = 0; i < r.size(); i++) m.put(header.get(i), r.get(i));
                out.add(m);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** Checks every expected column of a parsed row, naming the first that differs. */
    static void check(Map<String, String> expected, Map<String, String> row, String what) {
        assertEquals(expected.keySet(), row.keySet(), what + ": every column is checked");
        for (var e : expected.entrySet()) assertEquals(e.getValue(), row.get(e.getKey()), what + ": column " + e.getKey());
    }

    // ---- expected text, formatted independently of CsvColumns ----

    static String iso(long nanos) {
        return LocalDateTime.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), 0, ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")) + String.format(".%09dZ", Math.floorMod(nanos, 1_000_000_000L));
    }

    static String secs(long nanos) {
        return String.format("%d.%09d", nanos / 1_000_000_000L, nanos % 1_000_000_000L);
    }

    static String ms(long nanos) {
        return String.format("%s%d.%06d", nanos < 0 ? "-" : "", Math.abs(nanos) / 1_000_000L, Math.abs(nanos) % 1_000_000L);
    }

    /** Nearest-rank percentile of exact values, formatted in ms; "" without values. */
    static String pct(List<Long> values, double p) {
        if (values.isEmpty()) return "";
        List<Long> s = values.stream().sorted().toList();
        int rank = (int) Math.ceil(p / 100 * s.size());
        return ms(s.get(Math.max(rank, 1) - 1));
    }

    static void times(Map<String, String> m, long first, long last, long firstFrame, long lastFrame) {
        m.put("first_time", iso(first));
        m.put("first_epoch_s", secs(first));
        m.put("last_time", iso(last));
        m.put("last_epoch_s", secs(last));
        m.put("duration_s", secs(last - first));
        m.put("first_frame", Long.toString(firstFrame));
        m.put("last_frame", Long.toString(lastFrame));
    }

    static Map<String, String> byKey(List<Map<String, String>> rows, String... keyValues) {
        Map<String, String> want = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) want.put(keyValues[i], keyValues[i + 1]);
        List<Map<String, String>> hits = rows.stream().filter(r -> want.entrySet().stream()
                .allMatch(e -> e.getValue().equals(r.get(e.getKey())))).toList();
        assertEquals(1, hits.size(), "one row for " + want);
        return hits.getFirst();
    }
}
