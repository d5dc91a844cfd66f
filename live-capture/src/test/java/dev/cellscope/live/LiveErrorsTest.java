package dev.cellscope.live;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** -i any with a backend that captures one interface names the backend that has it (was: "any: no such interface"). */
class LiveErrorsTest {
    @Test
    void anyPointsAtThePcapBackend() {
        assertEquals("any: this backend captures one interface; libpcap's any device needs --backend pcap (here: lo, eth0)",
                LiveErrors.noSuchInterface("any", List.of("lo", "eth0")));
        assertEquals("eth9: no such interface (here: lo; cellscope read -D lists them)", LiveErrors.noSuchInterface("eth9", List.of("lo")));
    }
}
