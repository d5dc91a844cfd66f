package dev.cellscope.filter;

import dev.cellscope.crypto.SchemaFingerprints;
import dev.cellscope.dissect.Dissector;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.dissect.ProtoTree;
import dev.cellscope.io.CaptureReader;
import dev.cellscope.io.Packet;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.EthernetHeader;
import dev.cellscope.wire.Ipv6Header;
import dev.cellscope.wire.SbiAck;
import dev.cellscope.wire.SbiMessage;
import dev.cellscope.wire.SbiNack;
import dev.cellscope.wire.UdpHeader;
import dev.cellscope.wire.UtcpHeader;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The frames the filter tests run on: the 31 frames of an early {@code samples/captures/quickstart.pcapng}
 * (frozen in {@code src/test/resources/filter/fixture.pcapng}),
 * then three frames built here with the codecs for cases the sample lacks:
 * <ol start="32">
 *   <li>UTCP NACK listing three missing ranges (5004+1, 5010+3, 6000+2), seq 1008</li>
 *   <li>UTCP DATA seq 1009 carrying two SBI messages: NACK (ref 5, block_not_found, "block_not_found: 7956d5a6")
 *       and ACK (ref 6)</li>
 *   <li>UTCP SYN seq 42 over UDP 34997 over IPv6 2001:db8::1 → 2001:db8::2</li>
 * </ol>
 */
final class FilterFixture {
    private FilterFixture() {}

    /** A frozen copy of the quickstart sample as it was when the tables were written (the sample evolves). */
    static final Path QUICKSTART = Path.of("src", "test", "resources", "filter", "fixture.pcapng");
    static final byte[] ALICE = Bytes.fromHex("7eb397dda09a938a41ec30cdcfc1cf15").toArray();
    static final byte[] BOB = Bytes.fromHex("fed93f8caa4770aa03473070e5a39bf3").toArray();

    /** A frame and its timing, with the bytes on the heap so they outlive the capture mapping. */
    record Frame(Packet packet, FrameTiming timing) {
        long number() {
            return packet.number();
        }

        ProtoTree tree(Dissector d) {
            ProtoTree t = new ProtoTree();
            d.dissect(packet, timing, t);
            return t;
        }
    }

    private static List<Frame> frames;

    static synchronized List<Frame> frames() {
        if (frames == null) frames = load();
        return frames;
    }

    private static List<Frame> load() {
        List<Frame> out = new ArrayList<>();
        long first = -1, prev = 0;
        try (CaptureReader r = CaptureReader.open(QUICKSTART)) {
            Packet p;
            while ((p = r.next()) != null) {
                if (first < 0) first = prev = p.timestampNanos();
                byte[] copy = p.data().toArray(ValueLayout.JAVA_BYTE);
                Packet heap = new Packet(p.number(), p.timestampNanos(), p.interfaceId(), p.linkType(), p.originalLength(),
                        MemorySegment.ofArray(copy), p.comment());
                out.add(new Frame(heap, new FrameTiming(first, prev)));
                prev = p.timestampNanos();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long ts = prev;
        List<byte[]> extra = List.of(threeNackRanges(), twoSbiMessages(), utcpOverIpv6());
        List<String> comments = List.of("synthetic: three NACK ranges", "synthetic: two SBI messages in one frame",
                "synthetic: UTCP over UDP over IPv6");
        for (int i = 0; i < extra.size(); i++) {
            long t = ts + 100_000L * (i + 1);
            byte[] b = extra.get(i);
            Packet p = new Packet(out.size() + 1, t, 0, Packet.LINKTYPE_ETHERNET, b.length, MemorySegment.ofArray(b), comments.get(i));
            out.add(new Frame(p, new FrameTiming(first, i == 0 ? ts : ts + 100_000L * i)));
        }
        return List.copyOf(out);
    }

    private static byte[] eth(int type, byte[] payload) {
        byte[] h = new EthernetHeader(0x02000000_0b0bL, 0x02000000_0a11L, type).encode();
        byte[] f = concat(h, payload);
        return f.length >= 60 ? f : concat(f, new byte[60 - f.length]);
    }

    private static byte[] utcp(long seq, int flags, byte[] payload) {
        byte[] h = new UtcpHeader(Bytes.of(ALICE), Bytes.of(BOB), seq, flags, payload.length).encode();
        return concat(h, payload);
    }

    static byte[] threeNackRanges() {
        ByteBuffer b = ByteBuffer.allocate(24);
        b.putInt(5004).putInt(1).putInt(5010).putInt(3).putInt(6000).putInt(2);
        return eth(0x88B5, utcp(1008, 0x0008, b.array()));
    }

    static byte[] twoSbiMessages() {
        SbiMessage nack = SbiMessage.of(new SbiNack(5, 7, "block_not_found: 7956d5a6"),
                Bytes.of(SchemaFingerprints.forOp(0xF1)));
        SbiMessage ack = SbiMessage.of(new SbiAck(6, 0), Bytes.of(SchemaFingerprints.forOp(0xF0)));
        return eth(0x88B5, utcp(1009, 0x0010, concat(nack.encode(), ack.encode())));
    }

    static byte[] utcpOverIpv6() {
        byte[] u = utcp(42, 0x0001, new byte[0]);
        byte[] src = Bytes.fromHex("20010db8000000000000000000000001").toArray();
        byte[] dst = Bytes.fromHex("20010db8000000000000000000000002").toArray();
        byte[] udp = new UdpHeader(34997, 34997, 8 + u.length, 0).encode();
        byte[] ip = new Ipv6Header(0, 0, udp.length + u.length, 17, 64, Bytes.of(src), Bytes.of(dst)).encode();
        return eth(0x86DD, concat(ip, udp, u));
    }

    static byte[] concat(byte[]... parts) {
        int n = 0;
        for (byte[] p : parts) n += p.length;
        byte[] out = new byte[n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }
}
