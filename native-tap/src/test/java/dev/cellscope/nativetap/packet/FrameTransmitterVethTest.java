package dev.cellscope.nativetap.packet;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.*;

/**
 * FrameTransmitter on a real veth pair, received by a {@link PacketSocket} on the other end: whole
 * frames go out as given (a source MAC that is not the interface's stays), a batch arrives in order,
 * a frame over the MTU is refused on its own, and the one-line errors.
 */
class FrameTransmitterVethTest {

    private static MemorySegment frame(Arena arena, long dst, long src, int payloadByte, int payloadLen) {
        MemorySegment f = arena.allocate(14 + payloadLen);
        for (int i = 0; i < 6; i++) {
            f.set(ValueLayout.JAVA_BYTE, i, (byte) (dst >>> (40 - 8 * i)));
            f.set(ValueLayout.JAVA_BYTE, 6 + i, (byte) (src >>> (40 - 8 * i)));
        }
        f.set(ValueLayout.JAVA_BYTE, 12, (byte) 0x88);
        f.set(ValueLayout.JAVA_BYTE, 13, (byte) 0xB5);
        f.asSlice(14).fill((byte) payloadByte);
        f.set(ValueLayout.JAVA_BYTE, 14, (byte) payloadByte); // first payload byte names the frame
        return f;
    }

    @Test
    void batchesArriveWholeAndInOrder() throws Exception {
        try (VethPair veth = VethPair.create("t"); Arena arena = Arena.ofConfined();
             FrameTransmitter tx = FrameTransmitter.open(veth.a); PacketSocket rx = PacketSocket.open(veth.b, PacketSocket.ETHERTYPE_CELL)) {
            long foreign = 0x02_00_00_00_0a_11L; // not veth.a's MAC: replay sends frames as captured
            MemorySegment[] frames = new MemorySegment[10];
            for (int i = 0; i < frames.length; i++) frames[i] = frame(arena, rx.mac(), foreign, i + 1, 100 + i * 50);
            tx.warmUp(100);
            int sent = 0;
            while (sent < frames.length) sent += tx.send(frames, sent, frames.length - sent);
            byte[] buf = new byte[2048];
            for (int i = 0; i < frames.length; i++) {
                ReceivedFrame f = rx.receive(buf, 2000);
                assertNotNull(f, "frame " + i);
                assertEquals(foreign, f.srcMac(), "the source MAC as given, not the interface's");
                assertEquals(100 + i * 50, f.length());
                byte[] want = frames[i].asSlice(14).toArray(ValueLayout.JAVA_BYTE);
                assertArrayEquals(want, Arrays.copyOf(buf, f.length()), "frame " + i);
            }
        }
    }

    @Test
    void aFrameOverTheMtuIsRefusedOnItsOwn() throws Exception {
        try (VethPair veth = VethPair.create("m"); Arena arena = Arena.ofConfined(); FrameTransmitter tx = FrameTransmitter.open(veth.a)) {
            // default veth MTU 1500: a 1514-byte frame fits, 1600 does not
            MemorySegment[] frames = {frame(arena, MacAddress.BROADCAST, 2, 1, 1600), frame(arena, MacAddress.BROADCAST, 2, 2, 1500)};
            var e = assertThrows(FrameTransmitter.FrameRefusedException.class, () -> tx.send(frames, 0, 2));
            assertEquals("EMSGSIZE", e.errnoName());
            assertTrue(e.getMessage().contains("refused a frame of 1614 bytes (larger than its MTU"), e.getMessage());
            assertEquals(1, tx.send(frames, 1, 1), "the next frame still goes");
        }
    }

    @Test
    void oneLineErrors() {
        var e = assertThrows(PacketSocketException.class, () -> FrameTransmitter.open("nosuch0"));
        assertEquals("no network interface 'nosuch0'", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FrameTransmitter.open("much-too-long-name0"));
    }
}
