package dev.cellscope.flow;

import dev.cellscope.field.UtcpFields;
import dev.cellscope.wire.NackRange;
import dev.cellscope.wire.UtcpNack;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static dev.cellscope.flow.FlowCapture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * UTCP rows against a simulated transfer: a sender, a lossy, reordering, duplicating wire with a
 * fixed seed, a receiver that NACKs and a sender that re-sends, and a tap that may miss frames.
 * The simulation records what it did to every frame; the expected CSV values are computed from
 * that record with the definitions of PROTOCOLS.md and docs/CSV.md.
 */
class UtcpFlowsTest {
    static final byte[] A = cell(0x11), B = cell(0x22);

    enum Kind { SYN, ORIGINAL, DUPLICATE, RETRANSMISSION, FIN, NACK }

    /** What the simulation sent and the tap saw; {@code asked} is the capture time of the NACK a re-send answers. */
    record Sent(long time, byte[] frame, Kind kind, long seq, int payloadLen, List<NackRange> ranges, long asked) {}

    static final class Sim {
        final List<Sent> tap = new ArrayList<>();
        final FlowCapture capture = new FlowCapture();
        final Random rnd;
        final double loss, reorder, duplicate, tapDrop;
        long now = 1_795_867_200_000_000_000L;
        final Map<Long, Long> nackTime = new HashMap<>();

        Sim(long seed, double loss, double reorder, double duplicate, double tapDrop) {
            rnd = new Random(seed);
            this.loss = loss;
            this.reorder = reorder;
            this.duplicate = duplicate;
            this.tapDrop = tapDrop;
        }

        void emit(byte[] frame, Kind kind, long seq, int len, List<NackRange> ranges) {
            now += 10_000 + rnd.nextInt(40_000);
            capture.add(now, frame);
            long asked = kind == Kind.RETRANSMISSION ? nackTime.get(seq) : -1;
            tap.add(new Sent(now, frame, kind, seq, len, ranges, asked));
        }

        void deliver(byte[] frame, Kind kind, long seq, int len, Set<Long> received) {
            received.add(seq);
            if (kind == Kind.ORIGINAL && rnd.nextDouble() < tapDrop) {
                now += 20_000; // the receiver got it; the tap missed it
                return;
            }
            emit(frame, kind, seq, len, List.of());
        }

        void nack(List<NackRange> missing) {
            emit(utcp(B, A, 5001, UtcpFields.NACK, new UtcpNack(missing).encode()), Kind.NACK, -1, 8 * missing.size(), missing);
            for (NackRange r : missing) for (long s = r.first(); s < r.first() + r.count(); s++) nackTime.put(s, now);
        }

        /** Sends {@code count} packets, then loses {@code abandoned} more whose NACK is never answered, then FIN. */
        void run(int count, int abandoned) {
            List<byte[]> payloads = new ArrayList<>();
            for (int i = 0; i < count + abandoned; i++) {
                byte[] p = new byte[1 + rnd.nextInt(1400)];
                rnd.nextBytes(p);
                payloads.add(p);
            }
            long seq = 1001;
            emit(utcp(A, B, 1000, UtcpFields.SYN, new byte[0]), Kind.SYN, 1000, 0, List.of());
            TreeSet<Long> received = new TreeSet<>(), nacked = new TreeSet<>();
            Sent held = null;
            for (int i = 0; i < count; i++) {
                long s = seq + i;
                byte[] frame = utcp(A, B, s, UtcpFields.DATA, payloads.get(i));
                int len = payloads.get(i).length;
                if (rnd.nextDouble() < loss) {
                    // lost before the tap and the receiver
                } else if (held == null && rnd.nextDouble() < reorder) {
                    held = new Sent(0, frame, Kind.ORIGINAL, s, len, List.of(), -1);
                    continue;
                } else {
                    deliver(frame, Kind.ORIGINAL, s, len, received);
                    if (rnd.nextDouble() < duplicate) deliver(frame, Kind.DUPLICATE, s, len, received);
                }
                if (held != null) {
                    deliver(held.frame(), Kind.ORIGINAL, held.seq(), held.payloadLen(), received);
                    held = null;
                }
                long highest = received.isEmpty() ? 1000 : received.last();
                List<NackRange> missing = new ArrayList<>();
                for (long m = seq; m < highest - 3; m++) {
                    if (!received.contains(m) && nacked.add(m)) missing.add(new NackRange(m, 1));
                }
                if (!missing.isEmpty()) {
                    nack(missing);
                    for (NackRange r : missing) {
                        int k = (int) (r.first() - seq);
                        deliver(utcp(A, B, r.first(), UtcpFields.DATA, payloads.get(k)), Kind.RETRANSMISSION, r.first(),
                                payloads.get(k).length, received);
                    }
                }
            }
            if (held != null) deliver(held.frame(), Kind.ORIGINAL, held.seq(), held.payloadLen(), received);
            List<NackRange> tail = new ArrayList<>();
            for (long m = seq; m < seq + count; m++) if (!received.contains(m) && !nacked.contains(m)) tail.add(new NackRange(m, 1));
            if (!tail.isEmpty()) {
                nack(tail);
                for (NackRange r : tail) {
                    int k = (int) (r.first() - seq);
                    deliver(utcp(A, B, r.first(), UtcpFields.DATA, payloads.get(k)), Kind.RETRANSMISSION, r.first(),
                            payloads.get(k).length, received);
                }
            }
            // The last packets are lost, the FIN shows it, the receiver asks, and the sender has gone.
            long fin = seq + count + abandoned;
            emit(utcp(A, B, fin, UtcpFields.FIN, new byte[0]), Kind.FIN, fin, 0, List.of());
            if (abandoned > 0) nack(List.of(new NackRange(seq + count, abandoned)));
        }
    }

    @ParameterizedTest
    @CsvSource({"1, 0.05, 0.03, 0.02, 0, 3", "2, 0.08, 0.05, 0.03, 0.02, 2", "42, 0.03, 0.02, 0.01, 0.03, 0", "2026, 0, 0, 0, 0, 0"})
    void everyValueMatchesTheSimulation(long seed, double loss, double reorder, double duplicate, double tapDrop, int abandoned) {
        Sim sim = new Sim(seed, loss, reorder, duplicate, tapDrop);
        sim.run(300, abandoned);
        List<FlowRow> rows = sim.capture.rows(FlowTable.Config.DEFAULT, EnumSet.of(FlowKind.UTCP));
        List<Map<String, String>> csv = parse(csv(rows, EnumSet.of(FlowKind.UTCP)));
        check(expectedAtoB(sim), byKey(csv, "src", hex(A)), "A→B, seed " + seed);
        if (sim.tap.stream().anyMatch(s -> s.kind() == Kind.NACK)) check(expectedBtoA(sim), byKey(csv, "src", hex(B)), "B→A, seed " + seed);
        else assertEquals(1, csv.size(), "no frame from B, no row for it");
        if (loss > 0) assertTrue(sim.tap.stream().anyMatch(s -> s.kind() == Kind.RETRANSMISSION), "the simulation exercises loss");
    }

    /** The sender's direction, from the simulation's record and the tap-view definitions. */
    static Map<String, String> expectedAtoB(Sim sim) {
        long packets = 0, bytes = 0, payload = 0, data = 0, unique = 0, nacks = 0, nacked = 0, retrans = 0, ooo = 0, dups = 0,
                gaps = 0, gapSeqs = 0, first = -1, last = -1, firstFrame = -1, lastFrame = -1, highest = 1000;
        Set<Long> seen = new HashSet<>();
        TreeSet<Long> open = new TreeSet<>();
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < sim.tap.size(); i++) {
            Sent s = sim.tap.get(i);
            if (s.kind() == Kind.NACK) {
                nacks++;
                for (NackRange r : s.ranges()) {
                    nacked += r.count();
                    for (long q = r.first(); q < r.first() + r.count(); q++) open.add(q);
                }
                continue;
            }
            packets++;
            bytes += s.frame().length;
            payload += s.payloadLen();
            if (first < 0) {
                first = s.time();
                firstFrame = i + 1;
            }
            last = s.time();
            lastFrame = i + 1;
            if (s.kind() == Kind.SYN) continue;
            boolean firstSighting = s.kind() != Kind.FIN && !seen.contains(s.seq());
            // The tap cannot tell a copy whose original it missed from the original.
            Kind kind = s.kind() == Kind.DUPLICATE && firstSighting ? Kind.ORIGINAL : s.kind();
            if (s.seq() > highest + 1 && (kind == Kind.ORIGINAL || kind == Kind.FIN)) {
                gaps++;
                gapSeqs += s.seq() - highest - 1;
                for (long q = highest + 1; q < s.seq(); q++) open.add(q);
            }
            if (kind == Kind.FIN) continue;
            data++;
            if (firstSighting) unique += s.payloadLen();
            seen.add(s.seq());
            if (kind == Kind.RETRANSMISSION) {
                retrans++;
                delays.add(s.time() - s.asked());
            }
            if (kind == Kind.DUPLICATE) dups++;
            if (kind == Kind.ORIGINAL && s.seq() < highest && firstSighting) ooo++;
            open.remove(s.seq());
            highest = Math.max(highest, s.seq());
        }
        Map<String, String> m = new LinkedHashMap<>();
        m.put("kind", "utcp");
        m.put("src", hex(A));
        m.put("dst", hex(B));
        m.put("stream", "0");
        times(m, first, last, firstFrame, lastFrame);
        put(m, "packets", packets, "bytes", bytes, "payload_bytes", payload, "data_packets", data, "unique_payload_bytes", unique,
                "nack_packets", nacks, "nacked_seqs", nacked, "retransmissions", retrans, "out_of_order", ooo, "duplicates", dups,
                "gaps", gaps, "gap_seqs", gapSeqs, "unrecovered_seqs", open.size(), "unrecovered_capped", 0);
        m.put("retransmission_delay_p50_ms", pct(delays, 50));
        m.put("retransmission_delay_p99_ms", pct(delays, 99));
        m.put("goodput_bps", last == first ? "" : BigDecimal.valueOf(unique * 8).multiply(BigDecimal.valueOf(1_000_000_000L))
                .divide(BigDecimal.valueOf(last - first), 3, RoundingMode.HALF_EVEN).toPlainString());
        return m;
    }

    /** The receiver's direction: only its NACKs. */
    static Map<String, String> expectedBtoA(Sim sim) {
        List<Sent> nacks = sim.tap.stream().filter(s -> s.kind() == Kind.NACK).toList();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("kind", "utcp");
        m.put("src", hex(B));
        m.put("dst", hex(A));
        m.put("stream", "0");
        long first = nacks.getFirst().time(), last = nacks.getLast().time();
        times(m, first, last, sim.tap.indexOf(nacks.getFirst()) + 1, sim.tap.indexOf(nacks.getLast()) + 1);
        put(m, "packets", nacks.size(), "bytes", nacks.stream().mapToLong(s -> s.frame().length).sum(),
                "payload_bytes", nacks.stream().mapToLong(Sent::payloadLen).sum(), "data_packets", 0, "unique_payload_bytes", 0,
                "nack_packets", 0, "nacked_seqs", 0, "retransmissions", 0, "out_of_order", 0, "duplicates", 0, "gaps", 0,
                "gap_seqs", 0, "unrecovered_seqs", 0, "unrecovered_capped", 0);
        m.put("retransmission_delay_p50_ms", "");
        m.put("retransmission_delay_p99_ms", "");
        m.put("goodput_bps", first == last ? "" : "0.000");
        return m;
    }

    static void put(Map<String, String> m, Object... kv) {
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1].toString());
    }
}
