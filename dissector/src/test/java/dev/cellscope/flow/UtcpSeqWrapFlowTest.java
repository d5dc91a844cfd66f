package dev.cellscope.flow;

import dev.cellscope.protocol.utcp.UtcpFlags;
import dev.cellscope.wire.NackRange;
import dev.cellscope.wire.UtcpNack;
import org.junit.jupiter.api.Test;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import static dev.cellscope.flow.FlowCapture.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The flow row of a direction whose seqs wrap, with a loss re-sent just after the wrap: nothing stays open. */
class UtcpSeqWrapFlowTest {
    static final byte[] A = cell(0x11), B = cell(0x22);

    @Test
    void aLossReSentAcrossTheWrapLeavesNothingUnrecovered() {
        FlowCapture c = new FlowCapture();
        long t = 1_000_000_000L;
        c.add(t, utcp(A, B, 0xFFFF_FFFEL, UtcpFlags.SYN, new byte[0]));
        c.add(t += 1000, utcp(A, B, 0xFFFF_FFFFL, UtcpFlags.DATA, new byte[8]));
        c.add(t += 1000, utcp(A, B, 1, UtcpFlags.DATA, new byte[8])); // seq 0 lost
        c.add(t += 1000, utcp(B, A, 9, UtcpFlags.NACK, new UtcpNack(List.of(new NackRange(0, 1))).encode()));
        c.add(t += 1000, utcp(A, B, 0, UtcpFlags.DATA, new byte[8]));
        c.add(t + 1000, utcp(A, B, 2, UtcpFlags.DATA, new byte[8]));
        List<Map<String, String>> rows = parse(csv(c.rows(FlowTable.Config.DEFAULT, EnumSet.of(FlowKind.UTCP)),
                EnumSet.of(FlowKind.UTCP)));
        Map<String, String> ab = byKey(rows, "src", hex(A));
        assertEquals("1", ab.get("gaps"));
        assertEquals("1", ab.get("gap_seqs"));
        assertEquals("1", ab.get("retransmissions"));
        assertEquals("0", ab.get("out_of_order"));
        assertEquals("0", ab.get("unrecovered_seqs"));
    }
}
