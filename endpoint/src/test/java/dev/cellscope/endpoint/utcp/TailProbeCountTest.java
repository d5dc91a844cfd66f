package dev.cellscope.endpoint.utcp;

import dev.cellscope.endpoint.sim.FaultModel;
import dev.cellscope.protocol.utcp.UtcpFlags;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 12 item 7 [decided, DECISIONS.md]: a sender that falls idle after writing sends one tail
 * probe (an empty NACK) and repeats it twice with doubling delay (PROTOCOLS.md: "a bounded number
 * of times with exponential backoff") — three per idle period, then nothing until it writes again.
 */
class TailProbeCountTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void threeEmptyNacksPerIdlePeriod() {
        SimPair net = new SimPair(FaultModel.clean(), 21, UtcpConfig.defaults());
        UtcpConnection c = net.a.connect(SimPair.B, "b");
        net.scheduler.runFor(SECOND);
        c.write(new byte[3000]);
        net.scheduler.runFor(30 * SECOND);
        assertEquals(3, emptyNacksFromA(net), "one idle period");
        c.write(new byte[100]);
        net.scheduler.runFor(30 * SECOND);
        assertEquals(6, emptyNacksFromA(net), "a second idle period adds three more");
    }

    private static long emptyNacksFromA(SimPair net) {
        return net.seen.stream().filter(s -> s.from().equals("a") && s.header().has(UtcpFlags.NACK) && s.header().payloadLength() == 0).count();
    }
}
