package dev.cellscope.dissect;

import dev.cellscope.crypto.SchemaFingerprints;
import dev.cellscope.io.Packet;
import dev.cellscope.output.JsonFrames;
import dev.cellscope.output.TreeText;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static dev.cellscope.dissect.TestFrames.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Bad input never escapes as an exception: the dissector catches its own failures and reports
 * them as "Dissector failure", so the property is that no frame — random, truncated or mutated —
 * ever produces that finding, and every byte range stays inside the captured bytes.
 */
class DissectorFuzzProperties {

    static final List<byte[]> SEEDS = List.of(
            eth(MAC_B, MAC_A, 0x88B5, utcp(17, 0x10, concat(
                    sbi(0x11, SchemaFingerprints.forOp(0x11), le(48).put(new byte[32]).putInt(1).put((byte) 2).array()),
                    sbi(0xF1, SchemaFingerprints.forOp(0xF1), le(12).putInt(1).putShort((short) 1).putShort((short) 4).put(ascii("oops")).array())))),
            eth(MAC_A, MAC_B, 0x88B5, utcp(cellId(1), cellId(2), 3, 0x08, 16, nackPayload(1, 2, 5, 6))),
            eth(MAC_B, MAC_A, 0x88B5, tether(0, 1, MAC_A, MAC_B, 0, 128, 0, control(4, le(24).putShort((short) 1).putInt(4, 2).putLong(8, 1).putLong(16, 2).array()))),
            eth(MAC_B, MAC_A, 0x88B5, tether(0, 0, MAC_A, MAC_B, 0, 0, 0, control(3, new byte[32]))),
            vlanEth(MAC_B, MAC_A, new int[]{0x8100}, new int[]{7}, 0x0800, LinkDissectorTest.ipv4Udp(1, 34997, utcp(1, 0x10, new byte[0]))),
            eth(MAC_B, MAC_A, 0x86DD, LinkDissectorTest.ipv6Udp(34997, 2, tether(2, 0, MAC_A, MAC_B, 1, 0, 0, new byte[64]))));

    @Property(tries = 2000)
    void randomBytes(@ForAll("frames") byte[] frame) {
        check(frame);
    }

    @Property(tries = 3000)
    void mutatedValidFrames(@ForAll("seedIndex") int seed, @ForAll long rnd) {
        Random r = new Random(rnd);
        byte[] f = SEEDS.get(seed).clone();
        int edits = 1 + r.nextInt(6);
        for (int i = 0; i < edits; i++) {
            switch (r.nextInt(4)) {
                case 0 -> f[r.nextInt(f.length)] ^= (byte) (1 << r.nextInt(8));
                case 1 -> f[r.nextInt(f.length)] = (byte) r.nextInt(256);
                case 2 -> { // a length-looking field gets a huge value
                    int at = r.nextInt(f.length);
                    f[at] = (byte) 0xFF;
                    if (at + 1 < f.length) f[at + 1] = (byte) 0xFF;
                }
                default -> f = Arrays.copyOf(f, r.nextInt(f.length + 1));
            }
            if (f.length == 0) break;
        }
        check(f);
    }

    @Property(tries = 50)
    void everyTruncation(@ForAll("seedIndex") int seed) {
        byte[] f = SEEDS.get(seed);
        for (int n = 0; n <= f.length; n++) check(Arrays.copyOf(f, n));
    }

    private static void check(byte[] frame) {
        ProtoTree t = new ProtoTree();
        new Dissector().dissect(Packet.of(1, 0, frame), new FrameTiming(0, 0), t);
        for (ProtoNode e : t.experts()) {
            assertFalse(e.expert().message().startsWith("Dissector failure"), e.expert().message());
        }
        t.forEach(n -> {
            if (n.offset() >= 0) {
                assertTrue(n.offset() + n.length() <= frame.length && n.length() >= 0,
                        n.field().name() + " at " + n.offset() + "+" + n.length() + " beyond " + frame.length);
            }
        });
        StringBuilder b = new StringBuilder();
        TreeText.render(t, b);
        JsonFrames.frame(t, true, b);
        assertFalse(b.isEmpty());
    }

    @Provide
    Arbitrary<byte[]> frames() {
        Arbitrary<byte[]> raw = Arbitraries.bytes().array(byte[].class).ofMaxSize(300);
        // Also random bytes behind a valid 0x88B5 Ethernet header, where the interesting decoders are.
        Arbitrary<byte[]> cell = Arbitraries.bytes().array(byte[].class).ofMaxSize(400).map(p -> eth(MAC_B, MAC_A, 0x88B5, p));
        Arbitrary<byte[]> tetherish = Arbitraries.bytes().array(byte[].class).ofMinSize(4).ofMaxSize(400).map(p -> {
            p[0] = 0x4C; p[1] = 0x4F; p[2] = 0x42; p[3] = 0x4F;
            return eth(MAC_B, MAC_A, 0x88B5, p);
        });
        return Arbitraries.oneOf(raw, cell, tetherish);
    }

    @Provide
    Arbitrary<Integer> seedIndex() {
        return Arbitraries.integers().between(0, SEEDS.size() - 1);
    }
}
