package dev.cellscope.flow;

import com.github.luben.zstd.Zstd;
import dev.cellscope.crypto.Blake3;
import dev.cellscope.crypto.SchemaFingerprints;
import dev.cellscope.field.UtcpFields;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.SbiAck;
import dev.cellscope.wire.SbiBlockPut;
import dev.cellscope.wire.SbiBlockWant;
import dev.cellscope.wire.SbiContainer;
import dev.cellscope.wire.SbiDagSync;
import dev.cellscope.wire.SbiHandshake;
import dev.cellscope.wire.SbiMessage;
import dev.cellscope.wire.SbiNack;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.Deflater;

import static dev.cellscope.flow.FlowCapture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * UTCP-SBI rows against scripted conversations (fixed seed for sizes and timing): HANDSHAKEs that
 * agree and that miss a required feature, WANT/PUT pairs in every compression, a PUT spanning
 * several packets, a PUT with a wrong hash, ACKs, NACKs, a DAG_SYNC. The script counts what it
 * sends, by op, block and error, and when each message's last packet left.
 */
class SbiFlowsTest {
    static final byte[] A = cell(0x11), B = cell(0x22), C = cell(0x33);

    /** The script's books for one peer pair. */
    static final class Pair {
        final Map<String, Long> counts = new HashMap<>();
        final List<Long> latencies = new ArrayList<>();
        long first = -1, last, firstFrame, lastFrame;
        String handshake = "none", compression = "";

        void count(String column, long n) {
            counts.merge(column, n, Long::sum);
        }
    }

    static final class Script {
        final FlowCapture capture = new FlowCapture();
        final Random rnd = new Random(2026);
        final Map<String, Long> seqs = new HashMap<>();
        final Map<String, Pair> pairs = new LinkedHashMap<>();
        final Map<String, Long> wantTimes = new HashMap<>();
        long now = 1_795_867_200_000_000_000L;

        Pair pair(byte[] x, byte[] y) {
            return pairs.computeIfAbsent(hex(x) + "-" + hex(y), k -> new Pair());
        }

        /** Sends one message as DATA packets of at most 1400 bytes; returns the capture time of the last. */
        long send(byte[] src, byte[] dst, SbiContainer c) {
            byte[] m = SbiMessage.of(c, Bytes.of(SchemaFingerprints.forOp(c.op()))).encode();
            String dir = hex(src) + hex(dst);
            for (int off = 0; off < m.length; off += 1400) {
                long seq = seqs.merge(dir, 1L, Long::sum) + 1000;
                now += 50_000 + rnd.nextInt(200_000);
                capture.add(now, utcp(src, dst, seq, UtcpFields.DATA, java.util.Arrays.copyOfRange(m, off, Math.min(m.length, off + 1400))));
            }
            Pair p = hex(src).compareTo(hex(dst)) < 0 ? pair(src, dst) : pair(dst, src);
            if (p.first < 0) {
                p.first = now;
                p.firstFrame = capture.packets.size();
            }
            p.last = now;
            p.lastFrame = capture.packets.size();
            p.count("messages", 1);
            p.count("msgs_" + switch (c.op()) {
                case 0x01 -> "handshake";
                case 0x10 -> "block_want";
                case 0x11 -> "block_put";
                case 0x20 -> "dag_sync";
                case 0xF0 -> "ack";
                case 0xF1 -> "nack";
                default -> "other";
            }, 1);
            return now;
        }

        void want(byte[] src, byte[] dst, byte[] plain) {
            long t = send(src, dst, new SbiBlockWant(Bytes.of(Blake3.hash(plain)), rnd.nextInt(3)));
            wantTimes.put(hex(Blake3.hash(plain)), t);
            pairOf(src, dst).count("blocks_wanted", 1);
        }

        /** A BLOCK_PUT of {@code plain} compressed with {@code algo}; a wrong hash when {@code corrupt}. */
        void put(byte[] src, byte[] dst, byte[] plain, int algo, boolean corrupt) {
            byte[] data = switch (algo) {
                case 0 -> plain;
                case 1 -> deflate(plain);
                default -> Zstd.compress(plain, 3);
            };
            byte[] hash = Blake3.hash(corrupt ? java.util.Arrays.copyOf(plain, plain.length - 1) : plain);
            long t = send(src, dst, new SbiBlockPut(Bytes.of(hash), 0, algo, 3, Bytes.of(data)));
            Pair p = pairOf(src, dst);
            p.count("blocks_put", 1);
            p.count("put_data_bytes", data.length);
            if (corrupt) {
                p.count("blocks_failed", 1);
            } else {
                p.count("blocks_verified", 1);
                p.count("verified_compressed_bytes", data.length);
                p.count("verified_uncompressed_bytes", plain.length);
            }
            Long asked = wantTimes.remove(hex(hash));
            if (asked != null) p.latencies.add(t - asked);
        }

        void nack(byte[] src, byte[] dst, long ref, int code, String name) {
            send(src, dst, new SbiNack(ref, code, name));
            pairOf(src, dst).count("nacks_" + name, 1);
        }

        Pair pairOf(byte[] x, byte[] y) {
            return hex(x).compareTo(hex(y)) < 0 ? pair(x, y) : pair(y, x);
        }

        byte[] content(int n) {
            String words = "cellscope flow table block content ";
            byte[] b = new byte[n];
            for (int i = 0; i < n; i++) b[i] = (byte) (rnd.nextInt(8) == 0 ? 'a' + rnd.nextInt(26) : words.charAt(i % words.length()));
            return b;
        }
    }

    static byte[] deflate(byte[] plain) {
        Deflater d = new Deflater(6);
        d.setInput(plain);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        while (!d.finished()) out.write(buf, 0, d.deflate(buf));
        d.end();
        return out.toByteArray();
    }

    static SbiHandshake handshake(long caps, long required) {
        return new SbiHandshake(Bytes.zeros(32), caps, required, 0, 65536, 1, 3);
    }

    @Test
    void everyValueMatchesTheScript() {
        Script s = new Script();
        s.send(A, B, handshake(0b011, 0));
        s.send(B, A, handshake(0b011, 0));
        s.pairOf(A, B).handshake = "ok";
        s.pairOf(A, B).compression = "zstd";
        for (int i = 0; i < 9; i++) {
            byte[] plain = s.content(300 + 97 * i);
            s.want(A, B, plain);
            if (i % 4 == 3) s.send(A, B, new SbiAck(i, 0)); // messages between the WANT and its PUT
            s.put(B, A, plain, i % 3, false);
        }
        byte[] big = s.content(5000); // 4 packets uncompressed
        s.want(A, B, big);
        s.put(B, A, big, 0, false);
        s.put(B, A, s.content(700), 2, true); // unasked, and the hash does not match
        s.nack(A, B, 12, 4, "hash_mismatch");
        s.send(A, B, new SbiDagSync(Bytes.of(Blake3.hash(big)), 1, List.of(Bytes.of(Blake3.hash(big)), Bytes.zeros(32))));
        s.nack(A, B, 3, 7, "block_not_found");
        s.nack(B, A, 1, 7, "block_not_found");
        s.send(B, A, new SbiAck(2, 0));

        // A and C: C requires dedup, which A lacks; A says so and closes.
        s.send(A, C, handshake(0b001, 0));
        s.send(C, A, handshake(0b111, 0b100));
        s.pairOf(A, C).handshake = "missing_required_features";
        s.pairOf(A, C).compression = "deflate";
        s.nack(A, C, 0, 2, "missing_required_features");

        List<FlowRow> rows = s.capture.rows(FlowTable.Config.DEFAULT, EnumSet.of(FlowKind.SBI));
        List<Map<String, String>> csv = parse(csv(rows, EnumSet.of(FlowKind.SBI)));
        assertEquals(2, csv.size());
        check(expected(A, B, s.pairOf(A, B)), byKey(csv, "cell_a", hex(A), "cell_b", hex(B)), "A-B");
        check(expected(A, C, s.pairOf(A, C)), byKey(csv, "cell_a", hex(A), "cell_b", hex(C)), "A-C");
    }

    static Map<String, String> expected(byte[] a, byte[] b, Pair p) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("kind", "sbi");
        m.put("cell_a", hex(a));
        m.put("cell_b", hex(b));
        times(m, p.first, p.last, p.firstFrame, p.lastFrame);
        m.put("messages", n(p, "messages"));
        for (String op : List.of("handshake", "block_want", "block_put", "dag_sync", "ack", "nack", "other")) m.put("msgs_" + op, n(p, "msgs_" + op));
        m.put("handshake", p.handshake);
        m.put("compression", p.compression);
        for (String c : List.of("blocks_wanted", "blocks_put", "blocks_verified", "blocks_failed", "put_data_bytes",
                "verified_compressed_bytes", "verified_uncompressed_bytes")) {
            m.put(c, n(p, c));
        }
        long comp = p.counts.getOrDefault("verified_compressed_bytes", 0L);
        m.put("compression_ratio", comp == 0 ? "" : BigDecimal.valueOf(p.counts.get("verified_uncompressed_bytes"))
                .divide(BigDecimal.valueOf(comp), 6, RoundingMode.HALF_EVEN).toPlainString());
        m.put("want_put_latency_p50_ms", pct(p.latencies, 50));
        m.put("want_put_latency_p99_ms", pct(p.latencies, 99));
        for (String e : List.of("invalid_frame_size", "missing_required_features", "unknown_schema", "hash_mismatch", "unknown_op",
                "unsupported_compression", "block_not_found", "malformed_container", "other")) {
            m.put("nacks_" + e, n(p, "nacks_" + e));
        }
        return m;
    }

    private static String n(Pair p, String column) {
        return Long.toString(p.counts.getOrDefault(column, 0L));
    }
}
