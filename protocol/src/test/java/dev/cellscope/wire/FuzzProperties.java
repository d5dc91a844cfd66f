package dev.cellscope.wire;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Hostile input for every decoder: random bytes, every truncation of a valid encoding, bit
 * flips, and length fields overwritten with huge values. No exception may escape; every
 * outcome is Ok (within the input), Invalid (with a cause, pointing inside the input) or
 * Incomplete (needing more than is there).
 */
class FuzzProperties {

    @FunctionalInterface
    interface SegmentDecoder {
        Decoded<?> decode(MemorySegment seg, long offset, long available);
    }

    static final Map<String, SegmentDecoder> DECODERS = new LinkedHashMap<>();

    static {
        DECODERS.put("ethernet", EthernetHeader::decode);
        DECODERS.put("ipv4", Ipv4Header::decode);
        DECODERS.put("ipv6", Ipv6Header::decode);
        DECODERS.put("udp", UdpHeader::decode);
        DECODERS.put("utcpHeader", UtcpHeader::decode);
        DECODERS.put("utcpPacket", UtcpPacket::decode);
        DECODERS.put("utcpNack", UtcpNack::decode);
        DECODERS.put("tetherHeader", TetherHeader::decode);
        DECODERS.put("tetherFrame", TetherFrame::decode);
        DECODERS.put("tetherControl", TetherControl::decode);
        DECODERS.put("tetherFrameControl", (seg, off, n) -> TetherFrame.decode(seg, off, n) instanceof Decoded.Ok<TetherFrame> ok
                ? ok.value().control() : Decoded.ok("not a frame", 0));
        DECODERS.put("sbiEnvelope", SbiEnvelope::decode);
        DECODERS.put("sbiPreamble", SbiPreamble::decode);
        for (int op : new int[] {0x01, 0x10, 0x11, 0x20, 0xF0, 0xF1, 0x02, 0xFF}) {
            DECODERS.put("sbiContainer" + op, (seg, off, n) -> SbiContainer.decode(op, seg, off, n));
        }
        DECODERS.put("sbiMessage", SbiMessage::decode);
    }

    /** Runs every decoder over {@code bytes} (alone, and inside a larger segment) and checks the outcome. */
    static void feedAll(byte[] bytes) {
        byte[] embedded = new byte[bytes.length + 16];
        Arrays.fill(embedded, (byte) 0xFF);
        System.arraycopy(bytes, 0, embedded, 8, bytes.length);
        DECODERS.forEach((name, decoder) -> {
            Decoded<?> alone = decoder.decode(MemorySegment.ofArray(bytes), 0, bytes.length);
            assertWellFormed(name, alone, bytes.length);
            // bytes past the window must not influence the result
            assertEquals(alone, decoder.decode(MemorySegment.ofArray(embedded), 8, bytes.length), name);
        });
    }

    static void assertWellFormed(String name, Decoded<?> d, long available) {
        switch (d) {
            case Decoded.Ok<?> ok -> assertTrue(ok.length() <= available, name + " consumed more than present");
            case Decoded.Invalid<?> bad -> {
                assertFalse(bad.cause().isBlank(), name);
                assertTrue(bad.offset() >= 0 && bad.offset() <= available, name + " offset " + bad.offset());
            }
            case Decoded.Incomplete<?> inc -> assertTrue(inc.needed() > available, name);
        }
    }

    @Property(tries = 2000)
    void randomBytes(@ForAll @Size(max = 600) byte[] bytes) {
        feedAll(bytes);
    }

    @Property(tries = 300)
    void everyTruncationOfValidEncodings(@ForAll("validEncodings") byte[] bytes) {
        for (int len = 0; len <= bytes.length; len++) feedAll(Arrays.copyOf(bytes, len));
    }

    @Property(tries = 300)
    void everyTruncationOfAnSbiMessageIsIncomplete(@ForAll("sbiMessages") SbiMessage msg) {
        byte[] bytes = msg.encode();
        for (int len = 0; len < bytes.length; len++) {
            assertInstanceOf(Decoded.Incomplete.class, SbiMessage.decode(Arrays.copyOf(bytes, len)), "length " + len);
        }
    }

    @Property(tries = 2000)
    void bitFlips(@ForAll("validEncodings") byte[] bytes, @ForAll @IntRange(min = 1, max = 8) int flips,
                  @ForAll long seed) {
        if (bytes.length == 0) return;
        java.util.Random random = new java.util.Random(seed);
        for (int i = 0; i < flips; i++) {
            int bit = random.nextInt(bytes.length * 8);
            bytes[bit / 8] ^= (byte) (1 << bit % 8);
        }
        feedAll(bytes);
    }

    private static final byte[][] HUGE = {
            {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}, {0x7F, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF},
            {(byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F}, {(byte) 0x80, 0, 0, 0}, {0, 0, 0, (byte) 0x80},
            {(byte) 0xFF, (byte) 0xFF}, {0, 0, 0, 0}};

    /** Overwrites each aligned position in turn with a huge (or zero) length, as a corrupted length field would read. */
    @Property(tries = 200)
    void hugeLengthFields(@ForAll("validEncodings") byte[] bytes) {
        for (byte[] value : HUGE) {
            for (int at = 0; at + value.length <= bytes.length; at += 2) {
                byte[] copy = bytes.clone();
                System.arraycopy(value, 0, copy, at, value.length);
                feedAll(copy);
            }
        }
    }

    @Provide
    Arbitrary<SbiMessage> sbiMessages() {
        return WireArbitraries.sbiMessage();
    }

    @Provide
    Arbitrary<byte[]> validEncodings() {
        return Arbitraries.oneOf(
                WireArbitraries.ethernet().map(EthernetHeader::encode),
                WireArbitraries.ipv4().map(Ipv4Header::encode),
                WireArbitraries.ipv6().map(Ipv6Header::encode),
                WireArbitraries.udp().map(UdpHeader::encode),
                WireArbitraries.utcpPacket().map(UtcpPacket::encode),
                WireArbitraries.utcpNack().map(UtcpNack::encode),
                WireArbitraries.tetherFrame().map(TetherFrame::encode),
                WireArbitraries.sbiContainer().map(SbiContainer::encode),
                WireArbitraries.sbiMessage().map(SbiMessage::encode));
    }
}
