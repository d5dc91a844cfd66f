package dev.cellscope.flow;

import dev.cellscope.field.FieldFormat;

import java.math.BigDecimal;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * The CSV columns of each row kind, in order: each column's header and the text of its value,
 * declared together. Names are stable snake_case with the unit in the name where there is one;
 * docs/CSV.md describes each. Absent values are empty cells. Numbers are plain decimals (no
 * exponent, no grouping), times are ISO-8601 UTC with nanoseconds and epoch seconds with nine
 * decimals, IDs print as {@code -T fields} prints them.
 */
public final class CsvColumns {
    private CsvColumns() {}

    /** One column of a kind's table: its header, and its value's text for a row of that kind. */
    public record Column<R extends FlowRow>(String header, Function<R, String> value) {
    }

    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    public static final List<Column<UtcpFlowRow>> UTCP = columns(List.of(
            text("src", UtcpFlowRow::src),
            text("dst", UtcpFlowRow::dst),
            optional("stream", UtcpFlowRow::stream)),
            times(),
            List.of(
                    count("packets", UtcpFlowRow::packets),
                    count("bytes", UtcpFlowRow::bytes),
                    count("payload_bytes", UtcpFlowRow::payloadBytes),
                    count("data_packets", UtcpFlowRow::dataPackets),
                    count("unique_payload_bytes", UtcpFlowRow::uniquePayloadBytes),
                    count("nack_packets", UtcpFlowRow::nackPackets),
                    count("nacked_seqs", UtcpFlowRow::nackedSeqs),
                    count("retransmissions", UtcpFlowRow::retransmissions),
                    count("out_of_order", UtcpFlowRow::outOfOrder),
                    count("duplicates", UtcpFlowRow::duplicates),
                    count("gaps", UtcpFlowRow::gaps),
                    count("gap_seqs", UtcpFlowRow::gapSeqs),
                    count("unrecovered_seqs", UtcpFlowRow::unrecoveredSeqs),
                    count("unrecovered_capped", r -> r.unrecoveredOverflow() ? 1 : 0),
                    text("retransmission_delay_p50_ms", r -> millis(r.retransmissionDelayP50Nanos())),
                    text("retransmission_delay_p99_ms", r -> millis(r.retransmissionDelayP99Nanos())),
                    text("goodput_bps", r -> decimal(r.goodputBitsPerSecond()))));

    public static final List<Column<TetherFlowRow>> TETHER = columns(List.of(
            text("sender", TetherFlowRow::sender),
            text("target", TetherFlowRow::target),
            count("flow", TetherFlowRow::flow)),
            times(),
            List.of(
                    count("packets", TetherFlowRow::packets),
                    count("bytes", TetherFlowRow::bytes),
                    count("blocks", TetherFlowRow::blocks),
                    count("data_frames", TetherFlowRow::dataFrames),
                    count("grants_received", TetherFlowRow::grantsReceived),
                    count("grant_bytes_received", TetherFlowRow::grantBytesReceived),
                    count("bytes_spent", TetherFlowRow::bytesSpent),
                    optional("credit_min_bytes", TetherFlowRow::creditMin),
                    optional("credit_final_bytes", TetherFlowRow::creditFinal),
                    count("overruns", TetherFlowRow::overruns),
                    count("lamps", TetherFlowRow::lamps),
                    count("nack_slots_singleton", TetherFlowRow::nackSlotsSingleton),
                    count("nack_slots_bulk", TetherFlowRow::nackSlotsBulk),
                    count("slots_resent", TetherFlowRow::slotsResent),
                    text("manifest_match", TetherFlowRow::manifest),
                    text("delay_p50_ms", r -> millis(r.delayP50Nanos())),
                    text("delay_p99_ms", r -> millis(r.delayP99Nanos()))));

    public static final List<Column<SbiFlowRow>> SBI = columns(List.of(
            text("cell_a", SbiFlowRow::cellA),
            text("cell_b", SbiFlowRow::cellB)),
            times(),
            List.of(count("messages", SbiFlowRow::messages)),
            perIndex(SbiFlowRow.OPS.stream().map(op -> "msgs_" + SbiFlowRow.opName(op)).toList(), "msgs_other", SbiFlowRow::messagesByOp),
            List.of(
                    text("handshake", SbiFlowRow::handshake),
                    text("compression", SbiFlowRow::compression),
                    count("blocks_wanted", SbiFlowRow::blocksWanted),
                    count("blocks_put", SbiFlowRow::blocksPut),
                    count("blocks_verified", SbiFlowRow::blocksVerified),
                    count("blocks_failed", SbiFlowRow::blocksFailed),
                    count("put_data_bytes", SbiFlowRow::putDataBytes),
                    count("verified_compressed_bytes", SbiFlowRow::verifiedCompressedBytes),
                    count("verified_uncompressed_bytes", SbiFlowRow::verifiedUncompressedBytes),
                    text("compression_ratio", r -> decimal(r.compressionRatio())),
                    text("want_put_latency_p50_ms", r -> millis(r.latencyP50Nanos())),
                    text("want_put_latency_p99_ms", r -> millis(r.latencyP99Nanos()))),
            perIndex(SbiFlowRow.ERRORS.stream().map(code -> "nacks_" + SbiFlowRow.errorName(code)).toList(), "nacks_other",
                    SbiFlowRow::nacksByError));

    /** The columns of a kind's table. */
    public static List<? extends Column<?>> columns(FlowKind kind) {
        return switch (kind) {
            case UTCP -> UTCP;
            case TETHER -> TETHER;
            case SBI -> SBI;
        };
    }

    /** The header of a kind's table. */
    public static List<String> header(FlowKind kind) {
        return columns(kind).stream().map(Column::header).toList();
    }

    /** A row's values, in the order of {@link #header}. */
    public static List<String> values(FlowRow row) {
        return switch (row) {
            case UtcpFlowRow r -> values(UTCP, r);
            case TetherFlowRow r -> values(TETHER, r);
            case SbiFlowRow r -> values(SBI, r);
        };
    }

    private static <R extends FlowRow> List<String> values(List<Column<R>> columns, R row) {
        List<String> v = new ArrayList<>(columns.size());
        for (Column<R> c : columns) v.add(c.value().apply(row));
        return v;
    }

    /** The kind column, then the given groups in order. */
    @SafeVarargs
    private static <R extends FlowRow> List<Column<R>> columns(List<Column<R>>... groups) {
        List<Column<R>> all = new ArrayList<>();
        all.add(text("kind", r -> r.kind().label()));
        for (List<Column<R>> g : groups) all.addAll(g);
        return List.copyOf(all);
    }

    /** When a row's frames were seen: empty cells for a row with no frame time. */
    private static <R extends FlowRow> List<Column<R>> times() {
        return List.of(
                text("first_time", r -> timed(r) ? iso(r.firstNanos()) : ""),
                text("first_epoch_s", r -> timed(r) ? FieldFormat.seconds(r.firstNanos()) : ""),
                text("last_time", r -> timed(r) ? iso(r.lastNanos()) : ""),
                text("last_epoch_s", r -> timed(r) ? FieldFormat.seconds(r.lastNanos()) : ""),
                text("duration_s", r -> timed(r) ? FieldFormat.seconds(r.lastNanos() - r.firstNanos()) : ""),
                optional("first_frame", FlowRow::firstFrame),
                optional("last_frame", FlowRow::lastFrame));
    }

    private static boolean timed(FlowRow r) {
        return r.firstNanos() != FlowRow.NONE;
    }

    /** One column per element of a list-valued field: {@code names} for its first elements, {@code rest} for the last. */
    private static <R extends FlowRow> List<Column<R>> perIndex(List<String> names, String rest, Function<R, List<Long>> counts) {
        List<Column<R>> out = new ArrayList<>();
        for (int i = 0; i <= names.size(); i++) {
            int at = i;
            out.add(text(i < names.size() ? names.get(i) : rest, r -> Long.toString(counts.apply(r).get(at))));
        }
        return out;
    }

    private static <R extends FlowRow> Column<R> text(String header, Function<R, String> value) {
        return new Column<>(header, value);
    }

    /** A count: always present. */
    private static <R extends FlowRow> Column<R> count(String header, ToLongFunction<R> value) {
        return new Column<>(header, r -> Long.toString(value.applyAsLong(r)));
    }

    /** A number that may be absent ({@link FlowRow#NONE}: an empty cell). */
    private static <R extends FlowRow> Column<R> optional(String header, ToLongFunction<R> value) {
        return new Column<>(header, r -> num(value.applyAsLong(r)));
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
