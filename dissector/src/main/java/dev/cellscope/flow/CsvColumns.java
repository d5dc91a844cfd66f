package dev.cellscope.flow;

import dev.cellscope.field.FieldFormat;

import java.math.BigDecimal;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * The CSV columns of each row kind, in order, and the text of every value. Names are stable
 * snake_case with the unit in the name where there is one; docs/CSV.md describes each. Absent
 * values are empty cells. Numbers are plain decimals (no exponent, no grouping), times are
 * ISO-8601 UTC with nanoseconds and epoch seconds with nine decimals, IDs print as
 * {@code -T fields} prints them.
 */
public final class CsvColumns {
    private CsvColumns() {}

    private static final List<String> TIMES = List.of("first_time", "first_epoch_s", "last_time", "last_epoch_s",
            "duration_s", "first_frame", "last_frame");

    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    /** The header of a kind's table. */
    public static List<String> header(FlowKind kind) {
        List<String> h = new ArrayList<>();
        h.add("kind");
        switch (kind) {
            case UTCP -> {
                h.addAll(List.of("src", "dst", "stream"));
                h.addAll(TIMES);
                h.addAll(List.of("packets", "bytes", "payload_bytes", "data_packets", "unique_payload_bytes", "nack_packets",
                        "nacked_seqs", "retransmissions", "out_of_order", "duplicates", "gaps", "gap_seqs",
                        "unrecovered_seqs", "unrecovered_capped", "retransmission_delay_p50_ms",
                        "retransmission_delay_p99_ms", "goodput_bps"));
            }
            case TETHER -> {
                h.addAll(List.of("sender", "target", "flow"));
                h.addAll(TIMES);
                h.addAll(List.of("packets", "bytes", "blocks", "data_frames", "grants_received", "grant_bytes_received",
                        "bytes_spent", "credit_min_bytes", "credit_final_bytes", "overruns", "lamps", "nack_slots_singleton",
                        "nack_slots_bulk", "slots_resent", "manifest_match", "delay_p50_ms", "delay_p99_ms"));
            }
            case SBI -> {
                h.addAll(List.of("cell_a", "cell_b"));
                h.addAll(TIMES);
                h.add("messages");
                for (int op : SbiFlowRow.OPS) h.add("msgs_" + SbiFlowRow.opName(op));
                h.add("msgs_other");
                h.addAll(List.of("handshake", "compression", "blocks_wanted", "blocks_put", "blocks_verified", "blocks_failed",
                        "put_data_bytes", "verified_compressed_bytes", "verified_uncompressed_bytes", "compression_ratio",
                        "want_put_latency_p50_ms", "want_put_latency_p99_ms"));
                for (int code : SbiFlowRow.ERRORS) h.add("nacks_" + SbiFlowRow.errorName(code));
                h.add("nacks_other");
            }
        }
        return List.copyOf(h);
    }

    /** A row's values, in the order of {@link #header}. */
    public static List<String> values(FlowRow row) {
        List<String> v = new ArrayList<>();
        v.add(row.kind().label());
        switch (row) {
            case UtcpFlowRow r -> {
                add(v, r.src(), r.dst(), num(r.stream()));
                times(v, r.firstNanos(), r.lastNanos(), r.firstFrame(), r.lastFrame());
                add(v, r.packets(), r.bytes(), r.payloadBytes(), r.dataPackets(), r.uniquePayloadBytes(), r.nackPackets(),
                        r.nackedSeqs(), r.retransmissions(), r.outOfOrder(), r.duplicates(), r.gaps(), r.gapSeqs(),
                        r.unrecoveredSeqs(), r.unrecoveredOverflow() ? 1 : 0);
                add(v, millis(r.retransmissionDelayP50Nanos()), millis(r.retransmissionDelayP99Nanos()),
                        decimal(r.goodputBitsPerSecond()));
            }
            case TetherFlowRow r -> {
                add(v, r.sender(), r.target(), Integer.toString(r.flow()));
                times(v, r.firstNanos(), r.lastNanos(), r.firstFrame(), r.lastFrame());
                add(v, r.packets(), r.bytes(), r.blocks(), r.dataFrames(), r.grantsReceived(), r.grantBytesReceived(),
                        r.bytesSpent());
                add(v, num(r.creditMin()), num(r.creditFinal()));
                add(v, r.overruns(), r.lamps(), r.nackSlotsSingleton(), r.nackSlotsBulk(), r.slotsResent());
                add(v, r.manifest(), millis(r.delayP50Nanos()), millis(r.delayP99Nanos()));
            }
            case SbiFlowRow r -> {
                add(v, r.cellA(), r.cellB());
                times(v, r.firstNanos(), r.lastNanos(), r.firstFrame(), r.lastFrame());
                v.add(Long.toString(r.messages()));
                for (long n : r.messagesByOp()) v.add(Long.toString(n));
                add(v, r.handshake(), r.compression());
                add(v, r.blocksWanted(), r.blocksPut(), r.blocksVerified(), r.blocksFailed(), r.putDataBytes(),
                        r.verifiedCompressedBytes(), r.verifiedUncompressedBytes());
                add(v, decimal(r.compressionRatio()), millis(r.latencyP50Nanos()), millis(r.latencyP99Nanos()));
                for (long n : r.nacksByError()) v.add(Long.toString(n));
            }
        }
        return v;
    }

    private static void times(List<String> v, long first, long last, long firstFrame, long lastFrame) {
        boolean none = first == FlowRow.NONE;
        add(v, none ? "" : iso(first), none ? "" : FieldFormat.seconds(first), none ? "" : iso(last),
                none ? "" : FieldFormat.seconds(last), none ? "" : FieldFormat.seconds(last - first), num(firstFrame), num(lastFrame));
    }

    private static void add(List<String> v, String... s) {
        v.addAll(List.of(s));
    }

    private static void add(List<String> v, long... n) {
        for (long x : n) v.add(Long.toString(x));
    }

    /** ISO-8601 UTC with nine fraction digits: {@code 2026-11-28T10:15:30.000250000Z}. */
    public static String iso(long epochNanos) {
        return ISO.format(java.time.Instant.ofEpochSecond(Math.floorDiv(epochNanos, 1_000_000_000L),
                Math.floorMod(epochNanos, 1_000_000_000L)));
    }

    /** Nanoseconds as milliseconds with six decimals (exact), or empty when absent. */
    public static String millis(long nanos) {
        return nanos == FlowRow.NONE ? "" : BigDecimal.valueOf(nanos, 6).toPlainString();
    }

    private static String num(long n) {
        return n == FlowRow.NONE ? "" : Long.toString(n);
    }

    private static String decimal(BigDecimal d) {
        return d == null ? "" : d.toPlainString();
    }
}
