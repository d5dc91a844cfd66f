package dev.cellscope.live;

import dev.cellscope.session.SourceException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The libpcap backend ({@code --backend pcap}) does what every backend does ({@link LiveBackendBehaviour}). */
class PcapBackendTest extends LiveBackendBehaviour {

    @Override
    protected String backend() {
        return "pcap";
    }

    @Test
    void optionsOutOfRangeAreRefusedBeforeAnythingOpens() {
        assertThrows(IllegalArgumentException.class, () -> LiveOptions.of("x").withSnaplen(0));
        assertThrows(IllegalArgumentException.class, () -> LiveOptions.of("x").withSnaplen(LiveOptions.MAX_SNAPLEN + 1));
        assertThrows(IllegalArgumentException.class, () -> LiveOptions.of("x").withBufferBytes(-1));
        SourceException e = assertThrows(SourceException.class, () -> Backends.get("dpdk-nope"));
        assertTrue(e.getMessage().startsWith("unknown capture backend 'dpdk-nope' (known: "), e.getMessage());
        assertTrue(e.getMessage().contains("pcap") && e.getMessage().contains("afpacket"), e.getMessage());
    }
}
