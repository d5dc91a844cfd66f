package dev.cellscope.wire;

import dev.cellscope.field.SbiFields;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

import java.nio.ByteOrder;
import java.util.List;

import static dev.cellscope.wire.SbiLayouts.*;

/** Generators of arbitrary valid records, shared by the property classes. */
final class WireArbitraries {
    private WireArbitraries() {}

    static Arbitrary<Bytes> bytes(int length) {
        return Arbitraries.bytes().array(byte[].class).ofSize(length).map(Bytes::of);
    }

    static Arbitrary<Bytes> bytes(int min, int max) {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(min).ofMaxSize(max).map(Bytes::of);
    }

    static Arbitrary<Integer> u(int bits) {
        return Arbitraries.integers().between(0, (1 << bits) - 1);
    }

    static Arbitrary<Long> ul(int bits) {
        return bits == 64 ? Arbitraries.longs() : Arbitraries.longs().between(0, (1L << bits) - 1);
    }

    // --- link layer

    static Arbitrary<VlanTag> vlanTag() {
        return Combinators.combine(Arbitraries.of(0x8100, 0x88A8), u(3), u(1), u(12)).as(VlanTag::new);
    }

    static Arbitrary<EthernetHeader> ethernet() {
        return Combinators.combine(ul(48), ul(48), vlanTag().list().ofMaxSize(2),
                u(16).filter(t -> t != 0x8100 && t != 0x88A8)).as(EthernetHeader::new);
    }

    static Arbitrary<Ipv4Header> ipv4() {
        return Arbitraries.integers().between(0, 10).flatMap(words -> bytes(4 * words)).flatMap(options ->
                Combinators.combine(u(8), Arbitraries.integers().between(20 + options.length(), 0xFFFF), u(16), u(16),
                        u(8), u(8), u(16), Arbitraries.integers().tuple2())
                        .as((dscp, total, id, frag, ttl, proto, sum, addrs) ->
                                new Ipv4Header(dscp, total, id, frag, ttl, proto, sum, addrs.get1(), addrs.get2(), options)));
    }

    static Arbitrary<Ipv6Header> ipv6() {
        return Combinators.combine(u(8), u(20), u(16), u(8), u(8), bytes(16), bytes(16)).as(Ipv6Header::new);
    }

    static Arbitrary<UdpHeader> udp() {
        return Combinators.combine(u(16), u(16), Arbitraries.integers().between(8, 0xFFFF), u(16)).as(UdpHeader::new);
    }

    // --- UTCP

    static Arbitrary<UtcpHeader> utcpHeader() {
        return Combinators.combine(bytes(16), bytes(16), ul(32), u(16), u(16)).as(UtcpHeader::new);
    }

    static Arbitrary<UtcpPacket> utcpPacket() {
        return Combinators.combine(utcpHeader(), bytes(0, 300)).as((h, p) ->
                new UtcpPacket(new UtcpHeader(h.src(), h.dst(), h.seq(), h.flags(), p.length()), p));
    }

    static Arbitrary<UtcpNack> utcpNack() {
        return Combinators.combine(ul(32), ul(32)).as(NackRange::new).list().ofMaxSize(60).map(UtcpNack::new);
    }

    // --- Tether

    static Arbitrary<TetherHeader> tetherHeader() {
        return tetherHeader(u(16));
    }

    static Arbitrary<TetherHeader> tetherHeader(Arbitrary<Integer> flow) {
        var first = Combinators.combine(flow, u(8), u(8), ul(48), ul(48), ul(32)).as(List::<Object>of);
        var second = Combinators.combine(ul(64), ul(64), ul(64), ul(64), ul(64),
                Arbitraries.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)).as(List::<Object>of);
        return Combinators.combine(first, second).as((a, b) -> new TetherHeader((int) a.get(0), (int) a.get(1),
                (int) a.get(2), (long) a.get(3), (long) a.get(4), (long) a.get(5), (long) b.get(0), (long) b.get(1),
                (long) b.get(2), (long) b.get(3), (long) b.get(4), (ByteOrder) b.get(5)));
    }

    static Arbitrary<long[]> u64s(int max) {
        return Arbitraries.longs().array(long[].class).ofMaxSize(max);
    }

    static Arbitrary<TetherControl> tetherControl() {
        return Arbitraries.oneOf(
                Combinators.combine(ul(32), ul(32)).as(TetherControl.Hail::new),
                Combinators.combine(u(16), ul(32), ul(64)).as(TetherControl.Define::new),
                Combinators.combine(u(16), ul(64), ul(64), ul(64)).as(TetherControl.Manifest::new),
                Combinators.combine(u(16), u64s(40)).as(TetherControl.BulkNack::new),
                Combinators.combine(u(16), u(16), u64s(40)).as(TetherControl.Sideband::new),
                Combinators.combine(Arbitraries.oneOf(Arbitraries.just(0L), Arbitraries.longs().between(6, 0xFFFF_FFFFL)),
                                Arbitraries.integers().between(0, 2).flatMap(k -> bytes(56 + 64 * k)))
                        .as(TetherControl.UnknownControl::new));
    }

    static Arbitrary<TetherFrame> tetherFrame() {
        Arbitrary<TetherFrame> data = Combinators.combine(tetherHeader(),
                Arbitraries.integers().between(0, 4).flatMap(k -> bytes(64 * k))).as(TetherFrame::new);
        Arbitrary<TetherFrame> control = Combinators.combine(tetherHeader(Arbitraries.just(0)), tetherControl())
                .as(TetherFrame::control);
        return Arbitraries.oneOf(data, control);
    }

    // --- UTCP-SBI

    static Arbitrary<SbiEnvelope> sbiEnvelope() {
        return Combinators.combine(ul(32), u(8)).as(SbiEnvelope::new);
    }

    static Arbitrary<SbiPreamble> sbiPreamble() {
        return Combinators.combine(u(8), u(8), ul(32), bytes(16)).as(SbiPreamble::new);
    }

    static Arbitrary<SbiHandshake> handshake() {
        return Combinators.combine(bytes(32), ul(32), ul(32), ul(32), ul(32), u(16), u(8)).as(SbiHandshake::new);
    }

    static Arbitrary<SbiBlockWant> blockWant() {
        return Combinators.combine(bytes(32), u(8)).as(SbiBlockWant::new);
    }

    static Arbitrary<SbiBlockPut> blockPut() {
        return Combinators.combine(bytes(32), ul(32), u(8), u(8), bytes(0, 400)).as(SbiBlockPut::new);
    }

    static Arbitrary<SbiDagSync> dagSync() {
        return Combinators.combine(bytes(32), u(16), bytes(32).list().ofMaxSize(20)).as(SbiDagSync::new);
    }

    static Arbitrary<SbiAck> ack() {
        return Combinators.combine(ul(32), u(8)).as(SbiAck::new);
    }

    /** Any well-formed UTF-16 (no unpaired surrogates), including supplementary characters. */
    static Arbitrary<String> text() {
        return Arbitraries.strings().all().ofMaxLength(60).map(WireArbitraries::wellFormed);
    }

    private static String wellFormed(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().filter(cp -> cp < 0xD800 || cp > 0xDFFF).forEach(b::appendCodePoint);
        return b.toString();
    }

    static Arbitrary<SbiNack> nack() {
        return Combinators.combine(ul(32), u(16), Arbitraries.oneOf(text(),
                Arbitraries.of(SbiFields.ERROR_NAMES.values().stream().toList()))).as(SbiNack::new);
    }

    static Arbitrary<SbiUnknown> unknown() {
        return Combinators.combine(u(8).filter(op -> containerOf(op) == null), bytes(0, 200)).as(SbiUnknown::new);
    }

    static Arbitrary<SbiContainer> sbiContainer() {
        return Arbitraries.oneOf(handshake(), blockWant(), blockPut(), dagSync(), ack(), nack(), unknown());
    }

    static Arbitrary<SbiMessage> sbiMessage() {
        return Combinators.combine(sbiContainer(), u(8), u(8), bytes(16)).as((c, version, flags, schema) ->
                new SbiMessage(c.op(), new SbiPreamble(version, flags, c.encodedSize(), schema), c));
    }
}
