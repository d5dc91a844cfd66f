package dev.cellscope.live;

import dev.cellscope.io.CaptureReader;
import dev.cellscope.io.Packet;
import dev.cellscope.live.testing.VethPair;
import dev.cellscope.session.SourceException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The libpcap backend on a real interface: a veth pair whose far end (in a namespace of its own)
 * tcpreplay sends committed sample captures out of, captured here on the near end.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PcapBackendTest {
    static final Path SAMPLES = Path.of("..", "samples", "captures").toAbsolutePath().normalize();
    static final String CELL_FILTER = "ether proto 0x88b5 or udp port 34997";
    private static VethPair veth;

    @BeforeAll
    static void pair() throws Exception {
        String why = VethPair.whyNot();
        Assumptions.assumeTrue(why == null, () -> "live capture on a veth pair: " + why);
        veth = VethPair.create();
    }

    @AfterAll
    static void remove() throws Exception {
        if (veth != null) veth.close();
    }

    private static LiveSource open(LiveOptions options) throws SourceException {
        return Backends.get("pcap").open(options);
    }

    /** Reads until {@code n} frames came or {@code seconds} passed (then stops the source and takes what it has). */
    static List<Packet> read(LiveSource source, int n, long seconds) {
        Thread guard = Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(seconds * 1000);
                source.stop();
            } catch (InterruptedException e) {
                // done in time
            }
        });
        List<Packet> got = new ArrayList<>();
        Packet p;
        while (got.size() < n && (p = source.next()) != null) got.add(p);
        guard.interrupt();
        return got;
    }

    static List<byte[]> frames(List<Packet> packets) {
        return packets.stream().map(p -> p.data().toArray(ValueLayout.JAVA_BYTE)).toList();
    }

    static List<byte[]> sampleFrames(Path file) throws Exception {
        List<byte[]> out = new ArrayList<>();
        try (CaptureReader r = CaptureReader.open(file)) {
            Packet p;
            while ((p = r.next()) != null) out.add(p.data().toArray(ValueLayout.JAVA_BYTE));
        }
        return out;
    }

    static void assertSameFrames(List<byte[]> expected, List<byte[]> actual) {
        assertEquals(expected.size(), actual.size(), "frames captured");
        for (int i = 0; i < expected.size(); i++) {
            int n = i;
            assertArrayEquals(expected.get(i), actual.get(i), () -> "frame " + (n + 1) + " differs:\n  sent "
                    + HexFormat.of().formatHex(expected.get(n)) + "\n  got  " + HexFormat.of().formatHex(actual.get(n)));
        }
    }

    @Test
    void capturesEveryFrameOfTheSampleByteForByteInOrderWithNanosecondTimes() throws Exception {
        Path sample = SAMPLES.resolve("mixed-wire.pcapng");
        List<byte[]> sent = sampleFrames(sample);
        try (LiveSource source = open(LiveOptions.of(veth.captureInterface))) {
            veth.replay(sample, "--topspeed");
            List<Packet> got = read(source, sent.size(), 10);
            assertSameFrames(sent, frames(got));
            assertEquals(1_000_000_000L, source.interfaces().getFirst().unitsPerSecond(), "nanosecond timestamps asked and given");
            assertEquals(1, source.interfaces().getFirst().linkType(), "Ethernet");
            long previous = 0, subMicro = 0;
            for (Packet p : got) {
                assertTrue(p.timestampNanos() >= previous, "timestamps do not go back");
                previous = p.timestampNanos();
                if (p.timestampNanos() % 1000 != 0) subMicro++;
                assertEquals(p.capturedLength(), p.originalLength());
            }
            long now = System.currentTimeMillis() * 1_000_000L;
            assertTrue(Math.abs(got.getFirst().timestampNanos() - now) < 60_000_000_000L, "capture time, not the sample's");
            assertTrue(subMicro > got.size() / 2, "nanosecond resolution: " + subMicro + " of " + got.size() + " times have sub-microsecond digits");
            assertEquals(got.size(), got.getLast().number(), "numbered from 1");
            source.stop();
            assertNull(source.next(), "stopped");
            CaptureStats s = source.stats();
            assertEquals(sent.size(), s.packets());
            assertEquals(0, s.kernelDropped(), "kernel drops: " + s);
            assertEquals(0, s.interfaceDropped(), "interface drops: " + s);
        }
    }
}
