package dev.cellscope.live;

import dev.cellscope.io.Packet;
import dev.cellscope.session.SourceException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

    /**
     * pcap_stats is read on the capture thread, which used to sit in a blocking pcap_dispatch once the wire went
     * quiet (libpcap's TPACKET_V3 ring has no timeout on an empty block): the counters then kept what they were
     * when last read during the burst. Before the fix this got the count of the first block (50 of 425 here).
     */
    @Test
    void theKernelCountersAreRefreshedWhenTheWireGoesQuiet() throws Exception {
        Path sample = SAMPLES.resolve("mixed-wire.pcapng");
        List<byte[]> sent = sampleFrames(sample);
        try (LiveSource source = open(LiveOptions.of(veth.captureInterface))) {
            // about 0.3 s: several blocks (100 ms buffer timeout) within one half-second refresh period
            veth.replay(sample, "--pps=1500");
            List<Packet> got = read(source, sent.size(), 10);
            assertEquals(sent.size(), got.size(), "frames captured");
            Thread.sleep(1200); // quiet for more than two refresh periods, and the source not stopped
            CaptureStats s = source.stats();
            assertEquals(sent.size(), s.kernelReceived(), "pcap_stats read again on a quiet wire: " + s);
            assertEquals(sent.size(), s.packets(), s.toString());
        }
    }
}
