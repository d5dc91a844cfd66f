package dev.cellscope.live;

import dev.cellscope.io.Packet;
import dev.cellscope.session.SourceException;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The AF_PACKET ring backend ({@code --backend afpacket}) does what every backend does
 * ({@link LiveBackendBehaviour}), and what only a ring has: its size, its drop counters when the
 * reader stalls, fanout.
 */
class AfPacketBackendTest extends LiveBackendBehaviour {

    @Override
    protected String backend() {
        return "afpacket";
    }

    /**
     * User review: on {@code lo} a packet socket sees every frame twice, going out and coming in, and the probe counted
     * every frame, flow and finding twice (500 frames where tcpdump saw 250). Each frame once now, and the kernel's
     * received count says the same. Fails on the old code with 40 frames for 20 datagrams.
     */
    @Test
    void onLoopbackEachFrameIsCapturedOnce() throws Exception {
        int port;
        try (java.nio.channels.DatagramChannel probe = java.nio.channels.DatagramChannel.open().bind(new java.net.InetSocketAddress("127.0.0.1", 0))) {
            port = ((java.net.InetSocketAddress) probe.getLocalAddress()).getPort();
        }
        try (LiveSource source = open(LiveOptions.of("lo").withFilter("udp dst port " + port));
             java.nio.channels.DatagramChannel out = java.nio.channels.DatagramChannel.open()) {
            for (int i = 0; i < 20; i++) {
                out.send(java.nio.ByteBuffer.wrap(("datagram " + i).getBytes()), new java.net.InetSocketAddress("127.0.0.1", port));
            }
            List<Packet> got = read(source, 40, 2); // room for the doubles the old code delivered
            assertEquals(20, got.size(), "frames captured on lo for 20 datagrams");
            for (int i = 0; i < 20; i++) {
                byte[] f = got.get(i).data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                assertTrue(new String(f, java.nio.charset.StandardCharsets.ISO_8859_1).endsWith("datagram " + i), "frame " + (i + 1));
            }
            assertEquals(20, source.stats().kernelReceived(), "received by the kernel's count, the outgoing copies left out");
        }
    }

    /**
     * A reader that stalls: the ring thread fills its queue, the kernel finds no free block and
     * drops. Every frame is then accounted for: received by the kernel = delivered + dropped, and
     * what was delivered is the sample's frames in order (the first ones whole).
     */
    @Test
    void aStalledReaderMakesTheKernelDropAndEveryFrameIsCounted() throws Exception {
        Path sample = SAMPLES.resolve("quickstart.pcapng");
        List<byte[]> once = sampleFrames(sample);
        int loops = 40;
        // two blocks of 4 KiB: about a dozen quickstart frames each
        try (LiveSource source = open(LiveOptions.of(veth.captureInterface).withRing(new LiveOptions.Ring(4096, 2)))) {
            veth.replay(sample, "--topspeed", "--loop=" + loops);
            Thread.sleep(300);
            source.stop();
            List<Packet> got = new ArrayList<>();
            Packet p;
            while ((p = source.next()) != null) got.add(p);
            CaptureStats s = source.stats();
            assertEquals((long) once.size() * loops, s.kernelReceived(), "every frame sent passed the (absent) filter: " + s);
            assertTrue(s.kernelDropped() > once.size() * loops / 2, "most frames found the ring full: " + s);
            assertEquals(s.kernelReceived() - s.kernelDropped(), got.size(), "delivered = received - dropped: " + s);
            assertEquals(got.size(), s.packets());
            assertEquals(0, s.sourceDropped());
            for (int i = 0; i < 10; i++) {
                assertArrayEquals(once.get(i), got.get(i).data().toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), "frame " + (i + 1));
            }
            Set<String> known = new HashSet<>();
            for (byte[] f : once) known.add(HexFormat.of().formatHex(f));
            for (byte[] f : frames(got)) assertTrue(known.contains(HexFormat.of().formatHex(f)), "a frame of the sample, whole");
        }
    }

    @Test
    void aRingLargerThanMemoryIsOneLineNamingTheFix() {
        SourceException e = assertThrows(SourceException.class, () -> open(LiveOptions.of(veth.captureInterface)
                .withRing(new LiveOptions.Ring(1 << 30, 4096))));
        assertTrue(e.getMessage().matches(java.util.regex.Pattern.quote(veth.captureInterface)
                + ": a ring of 4096 blocks of 1024 MiB \\(4194304 MiB\\) is more than the memory available \\(\\d+ MiB\\): use a smaller LiveOptions.Ring"),
                e.getMessage());
        SourceException odd = assertThrows(SourceException.class, () -> open(LiveOptions.of(veth.captureInterface)
                .withRing(new LiveOptions.Ring(5000, 4))));
        assertTrue(odd.getMessage().startsWith(veth.captureInterface + ": ring block size 5000 must be a power of two"), odd.getMessage());
        assertTrue(odd.getMessage().endsWith("change LiveOptions.Ring's block size"), odd.getMessage());
    }

    /** Two captures in one fanout group (round robin) share the interface: each frame reaches exactly one. */
    @Test
    void twoCapturesInOneFanoutGroupSeeEachFrameOnce() throws Exception {
        Path sample = SAMPLES.resolve("mixed-wire.pcapng");
        List<byte[]> sent = sampleFrames(sample);
        int group = (int) (ProcessHandle.current().pid() & 0x7fff) + 1;
        LiveOptions o = LiveOptions.of(veth.captureInterface).withFanout(new LiveOptions.Fanout(group, "lb", 1));
        try (LiveSource a = open(o); LiveSource b = open(o)) {
            List<Packet> fromA = new ArrayList<>(), fromB = new ArrayList<>();
            Thread ta = Thread.ofPlatform().start(() -> drain(a, fromA));
            Thread tb = Thread.ofPlatform().start(() -> drain(b, fromB));
            veth.replay(sample, "--topspeed");
            Thread.sleep(300);
            a.stop();
            b.stop();
            ta.join(5000);
            tb.join(5000);
            assertEquals(sent.size(), fromA.size() + fromB.size(), "together: every frame once");
            assertTrue(fromA.size() > sent.size() / 4 && fromB.size() > sent.size() / 4, "round robin: " + fromA.size() + " + " + fromB.size());
            List<String> all = new ArrayList<>();
            for (byte[] f : frames(fromA)) all.add(HexFormat.of().formatHex(f));
            for (byte[] f : frames(fromB)) all.add(HexFormat.of().formatHex(f));
            List<String> expected = new ArrayList<>();
            for (byte[] f : sent) expected.add(HexFormat.of().formatHex(f));
            all.sort(null);
            expected.sort(null);
            assertEquals(expected, all, "the same frames, whole");
        }
        SourceException e = assertThrows(SourceException.class, () -> open(LiveOptions.of(veth.captureInterface)
                .withFanout(new LiveOptions.Fanout(group, "hash", 4))));
        assertTrue(e.getMessage().contains("one afpacket capture is one member of fanout group " + group), e.getMessage());
    }

    private static void drain(LiveSource s, List<Packet> into) {
        Packet p;
        while ((p = s.next()) != null) into.add(p);
    }

    /** Down is not the end (a link flap on a mirror port must not stop a probe): frames sent after it is up again arrive. */
    @Test
    void anInterfaceThatGoesDownAndUpAgainKeepsTheCaptureGoing() throws Exception {
        Path sample = SAMPLES.resolve("quickstart.pcapng");
        List<byte[]> sent = sampleFrames(sample);
        try (LiveSource source = open(LiveOptions.of(veth.captureInterface))) {
            try {
                assertEquals(0, dev.cellscope.live.testing.VethPair.run("ip", "link", "set", veth.captureInterface, "down").exit());
                Thread.sleep(700); // more than the ring thread's look for a deleted interface
            } finally {
                assertEquals(0, dev.cellscope.live.testing.VethPair.run("ip", "link", "set", veth.captureInterface, "up").exit());
            }
            awaitCarrier();
            veth.replay(sample, "--topspeed");
            assertSameFrames(sent, frames(read(source, sent.size(), 10)));
            assertTrue(source.error().isEmpty(), "no failure: " + source.error());
        }
    }

    private static void awaitCarrier() throws Exception {
        Path operstate = Path.of("/sys/class/net", veth.captureInterface, "operstate");
        for (int i = 0; i < 100 && !java.nio.file.Files.readString(operstate).strip().equals("up"); i++) Thread.sleep(50);
    }

    @Test
    void microsecondPrecisionWhenAskedFor() throws Exception {
        Path sample = SAMPLES.resolve("quickstart.pcapng");
        List<byte[]> sent = sampleFrames(sample);
        try (LiveSource source = open(LiveOptions.of(veth.captureInterface).withPrecision(LiveOptions.TimestampPrecision.MICRO))) {
            veth.replay(sample, "--topspeed");
            List<Packet> got = read(source, sent.size(), 10);
            assertEquals(sent.size(), got.size());
            assertEquals(1_000_000L, source.interfaces().getFirst().unitsPerSecond());
            for (Packet p : got) assertEquals(0, p.timestampNanos() % 1000, "whole microseconds");
            source.stop();
            assertNull(source.next());
        }
    }
}
