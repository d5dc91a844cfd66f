package dev.cellscope.replay;

import dev.cellscope.crypto.Crc64GoIso;
import dev.cellscope.field.FieldFormat;
import dev.cellscope.nativetap.packet.MacAddress;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.Decoded;
import dev.cellscope.wire.Ipv4Header;
import dev.cellscope.wire.Ipv6Header;
import dev.cellscope.wire.Layout;
import dev.cellscope.wire.LinkLayouts;
import dev.cellscope.wire.Slot;
import dev.cellscope.wire.TetherLayouts;
import dev.cellscope.wire.UdpHeader;
import dev.cellscope.wire.UtcpLayouts;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Rewrites one frame by an {@link AddressMap}, field by field where the protocols put the addresses
 * (the layouts of the protocol module: Ethernet and VLAN, IPv4, UDP, UTCP, Tether), and recomputes what
 * covers them: the IPv4 header checksum, the UDP checksum (IPv4 or IPv6 pseudo-header) and the Tether
 * CRC-64. A checksum that was already wrong in the capture is left wrong, not repaired, and said so.
 *
 * <p>Bytes inside payloads are never touched: a UTCP payload carries UTCP-SBI messages whose blocks are
 * named by their BLAKE3 hash, so rewriting a CellID found there would break the block. Such an
 * occurrence is reported instead ({@link #problems()}). Not reentrant: one per run.
 */
public final class FrameRewriter {
    private static final Layout TETHER_BE = TetherLayouts.HEADER.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int TETHER_MAGIC_LE = 0x4F424F4C, TETHER_MAGIC_BE = 0x4C4F424F;
    private static final Slot T_MAGIC = TetherLayouts.HEADER.slot("magic");
    private static final Slot U_SRC = UtcpLayouts.HEADER.slot("src_cellid"), U_DST = UtcpLayouts.HEADER.slot("dst_cellid"),
            U_LEN = UtcpLayouts.HEADER.slot("payload_len");
    private static final Slot E_DST = LinkLayouts.ETHERNET.slot("dst"), E_SRC = LinkLayouts.ETHERNET.slot("src"),
            E_TYPE = LinkLayouts.ETHERNET.slot("type"), V_ETYPE = LinkLayouts.VLAN_TAG.slot("etype");
    private static final int MAX_KEPT = 20;

    private final AddressMap map;
    private final List<String> problems = new ArrayList<>();
    private long problemCount, rewritten, checksumsRecomputed;
    private long frame;
    private final Kind<Long> macKind, tetherKind;
    private final Kind<Bytes> cellIdKind, ipv6Kind;
    private final Kind<Integer> ipv4Kind, portKind;
    /** Values already reported as merging with a mapped one (each once). */
    private final Set<String> merged = new HashSet<>();

    public FrameRewriter(AddressMap map) {
        this.map = map;
        macKind = new Kind<>("MAC", map.macs(), MacAddress::format);
        tetherKind = new Kind<>("Tether identity", map.tetherIds(), MacAddress::format);
        cellIdKind = new Kind<>("CellID", map.cellIds(), Bytes::hex);
        ipv4Kind = new Kind<>("IPv4 address", map.ipv4(), FieldFormat::ipv4);
        ipv6Kind = new Kind<>("IPv6 address", map.ipv6(), ip -> FieldFormat.ipv6(ip.toArray()));
        portKind = new Kind<>("UDP port", map.udpPorts(), String::valueOf);
    }

    /**
     * One kind of the map, and the same turned round (new value to old). A value the capture already uses
     * that is not mapped away, but is what another value maps to, would merge two conversations after the
     * rewrite: the map is one-to-one in itself, but not with the capture's own values.
     */
    private record Kind<K>(String name, Map<K, K> forward, Map<K, K> inverse, Function<K, String> text) {
        Kind(String name, Map<K, K> forward, Function<K, String> text) {
            this(name, forward, invert(forward), text);
        }

        private static <K> Map<K, K> invert(Map<K, K> m) {
            Map<K, K> out = new HashMap<>();
            m.forEach((k, v) -> out.put(v, k));
            return out;
        }
    }

    /** Reports {@code value} (once) when the rewrite would make it one with another value of the capture. */
    private <K> void checkMerge(Kind<K> kind, K value) {
        if (kind.inverse().isEmpty() || kind.forward().containsKey(value)) return;
        K old = kind.inverse().get(value);
        if (old == null || !merged.add(kind.name() + " " + kind.text().apply(value))) return;
        problem(kind.name() + " " + kind.text().apply(value) + " is in the capture, and " + kind.text().apply(old) + " is mapped to it:"
                + " after the rewrite the two are one (their conversations merge); map it too, or choose another new value");
    }

    /** The first problems found (at most 20), each naming its frame. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    public long problemCount() {
        return problemCount;
    }

    /** Frames that were changed. */
    public long rewritten() {
        return rewritten;
    }

    public long checksumsRecomputed() {
        return checksumsRecomputed;
    }

    /** A rewritten copy of the Ethernet frame {@code in} (frame {@code number} of the capture, for reports). */
    public byte[] rewrite(long number, byte[] in) {
        frame = number;
        byte[] b = in.clone();
        MemorySegment s = MemorySegment.ofArray(b);
        int len = b.length;
        if (len < LinkLayouts.ETHERNET.size()) return b;
        boolean changed = mac(s, E_DST, 0) | mac(s, E_SRC, 0);
        int type = E_TYPE.getInt(s, 0);
        int off = LinkLayouts.ETHERNET.size();
        for (int tags = 0; (type == LinkLayouts.ETHERTYPE_VLAN || type == LinkLayouts.ETHERTYPE_QINQ) && tags < 2
                && off + LinkLayouts.VLAN_TAG.size() <= len; tags++) {
            type = V_ETYPE.getInt(s, off);
            off += LinkLayouts.VLAN_TAG.size();
        }
        changed |= switch (type) {
            case LinkLayouts.ETHERTYPE_CELL -> cell(s, off, len - off);
            case LinkLayouts.ETHERTYPE_IPV4 -> ipv4(s, off, len - off);
            case LinkLayouts.ETHERTYPE_IPV6 -> ipv6(s, off, len - off);
            default -> false;
        };
        if (changed) rewritten++;
        return b;
    }

    private boolean mac(MemorySegment s, Slot slot, long base) {
        long old = bytesToLong(slot.getBytes(s, base));
        Long now = map.macs().get(old);
        if (now == null) {
            checkMerge(macKind, old);
            return false;
        }
        slot.setBytes(s, base, longToBytes(now, 6));
        return true;
    }

    /** UTCP or Tether bytes (after the EtherType, or a cell UDP payload) at {@code [off, off+len)}. */
    private boolean cell(MemorySegment s, int off, int len) {
        if (len >= 4) {
            int magic = (int) T_MAGIC.get(s, off);
            if (magic == TETHER_MAGIC_LE) return tether(s, off, len, TetherLayouts.HEADER);
            if (magic == TETHER_MAGIC_BE) return tether(s, off, len, TETHER_BE);
        }
        return len >= UtcpLayouts.HEADER.size() && utcp(s, off, len);
    }

    private boolean utcp(MemorySegment s, int off, int len) {
        boolean changed = false;
        for (Slot id : new Slot[]{U_SRC, U_DST}) {
            Bytes old = Bytes.of(id.getBytes(s, off)), now = map.cellIds().get(old);
            if (now != null) {
                id.setBytes(s, off, now.toArray());
                changed = true;
            } else {
                checkMerge(cellIdKind, old);
            }
        }
        int payload = off + UtcpLayouts.HEADER.size();
        int payloadLen = Math.min(U_LEN.getInt(s, off), len - UtcpLayouts.HEADER.size());
        for (Bytes old : map.cellIds().keySet()) {
            long at = indexOf(s, payload, payloadLen, old.toArray());
            if (at >= 0) {
                problem("CellID " + old.hex() + " also sits in the UTCP payload at byte " + (at - payload)
                        + " (UTCP-SBI message bytes: a block that BLAKE3 names, a handshake): not rewritten there, so the frame still names the old CellID inside");
            }
        }
        return changed;
    }

    private boolean tether(MemorySegment s, int off, int len, Layout h) {
        if (len < h.size()) return false;
        Slot sHi = h.slot("sender_id_hi"), sLo = h.slot("sender_id_lo"), tHi = h.slot("target_id_hi"), tLo = h.slot("target_id_lo");
        Slot checksum = h.slot("checksum");
        long sender = sHi.get(s, off) << 16 | sLo.get(s, off);
        long target = tHi.get(s, off) << 32 | tLo.get(s, off);
        Long newSender = map.tetherIds().get(sender), newTarget = map.tetherIds().get(target);
        checkMerge(tetherKind, sender);
        checkMerge(tetherKind, target);
        if (newSender == null && newTarget == null) return false;
        boolean crcWasGood = Crc64GoIso.tetherChecksum(s, off, len) == checksum.get(s, off);
        if (newSender != null) {
            sHi.set(s, off, newSender >>> 16);
            sLo.set(s, off, newSender & 0xFFFF);
        }
        if (newTarget != null) {
            tHi.set(s, off, newTarget >>> 32);
            tLo.set(s, off, newTarget & 0xFFFF_FFFFL);
        }
        if (crcWasGood) {
            checksum.set(s, off, Crc64GoIso.tetherChecksum(s, off, len));
            checksumsRecomputed++;
        } else {
            problem("Tether CRC-64 was already bad in the capture: left bad");
        }
        return true;
    }

    private boolean ipv4(MemorySegment s, int off, int len) {
        if (!(Ipv4Header.decode(s, off, len) instanceof Decoded.Ok<Ipv4Header> ok)) return false;
        Ipv4Header h = ok.value();
        int hl = ok.length();
        checkMerge(ipv4Kind, h.src());
        checkMerge(ipv4Kind, h.dst());
        int src = map.ipv4().getOrDefault(h.src(), h.src()), dst = map.ipv4().getOrDefault(h.dst(), h.dst());
        boolean moves = src != h.src() || dst != h.dst();
        boolean fragment = (h.flagsFragment() & 0x3FFF) != 0; // an offset, or more fragments to come
        boolean firstFragment = fragment && (h.flagsFragment() & 0x1FFF) == 0;
        int[] before = {h.src() >>> 16, h.src() & 0xFFFF, h.dst() >>> 16, h.dst() & 0xFFFF};
        int[] after = {src >>> 16, src & 0xFFFF, dst >>> 16, dst & 0xFFFF};
        boolean changed = false;
        if (h.protocol() == LinkLayouts.IP_PROTO_UDP) {
            if (!fragment) {
                int end = Math.min(len, Math.max(hl, h.totalLength()));
                changed = udp(s, off + hl, end - hl, new Ipv4Pseudo(h.src(), h.dst()), new Ipv4Pseudo(src, dst));
            } else {
                if (firstFragment) changed = udpHeaderOfAFragment(s, off + hl, len - hl, before, after);
                if (!map.cellIds().isEmpty() || !map.tetherIds().isEmpty()) {
                    problem("IPv4 fragment: the UTCP or Tether bytes it may carry are not rewritten (fragments are not reassembled)");
                }
            }
        } else if (h.protocol() == IP_PROTO_TCP && moves) {
            // its checksum covers the addresses (pseudo-header) and sits in the first fragment: adjusted there
            if (!fragment || firstFragment) tcpChecksum(s, off + hl, len - hl, before, after);
        } else if (moves && PSEUDO_HEADER_PROTOCOLS.contains(h.protocol())) {
            problem("IPv4 protocol " + h.protocol() + ": its checksum covers the addresses and is not recomputed here, so the addresses were not rewritten");
            return false;
        }
        if (moves) {
            boolean good = h.checksumValid();
            Ipv4Header moved = new Ipv4Header(h.dscpEcn(), h.totalLength(), h.identification(), h.flagsFragment(), h.ttl(),
                    h.protocol(), h.checksum(), src, dst, h.options());
            if (good) {
                moved = moved.withComputedChecksum();
                checksumsRecomputed++;
            } else {
                problem("IPv4 header checksum was already bad in the capture: left bad");
            }
            moved.encodeTo(s, off);
            changed = true;
        }
        return changed;
    }

    private static final int IP_PROTO_TCP = 6;
    /** Other IPv4 protocols whose checksum covers the addresses: DCCP and UDP-Lite (RFC 4340, 3828). */
    private static final Set<Integer> PSEUDO_HEADER_PROTOCOLS = Set.of(33, 136);

    /**
     * The UDP header of a datagram's first fragment: ports mapped, and its checksum (which covers the whole
     * datagram, most of it in other fragments) adjusted for what changed (RFC 1624), so the datagram the
     * receiver reassembles checks as it did in the capture: good stays good, bad stays bad.
     */
    private boolean udpHeaderOfAFragment(MemorySegment s, int off, int len, int[] before, int[] after) {
        if (len < UDP_HEADER) return false;
        int sp = s.get(U16, off) & 0xFFFF, dp = s.get(U16, off + 2) & 0xFFFF;
        checkMerge(portKind, sp);
        checkMerge(portKind, dp);
        int nsp = map.udpPorts().getOrDefault(sp, sp), ndp = map.udpPorts().getOrDefault(dp, dp);
        boolean ports = nsp != sp || ndp != dp;
        if (!ports && java.util.Arrays.equals(before, after)) return false;
        s.set(U16, off, (short) nsp);
        s.set(U16, off + 2, (short) ndp);
        int checksum = s.get(U16, off + 6) & 0xFFFF;
        if (checksum != 0) { // zero: the datagram has no checksum
            int adjusted = InternetChecksum.adjust(checksum, concat(before, sp, dp), concat(after, nsp, ndp));
            s.set(U16, off + 6, (short) (adjusted == 0 ? 0xFFFF : adjusted));
            checksumsRecomputed++;
        }
        return true;
    }

    /** A TCP segment's checksum adjusted for the addresses that changed (RFC 1624); good stays good, bad stays bad. */
    private void tcpChecksum(MemorySegment s, int off, int len, int[] before, int[] after) {
        if (len < TCP_CHECKSUM + 2) {
            problem("TCP header cut short in the capture: its checksum cannot be adjusted for the new addresses");
            return;
        }
        int checksum = s.get(U16, off + TCP_CHECKSUM) & 0xFFFF;
        s.set(U16, off + TCP_CHECKSUM, (short) InternetChecksum.adjust(checksum, before, after));
        checksumsRecomputed++;
    }

    private static final int UDP_HEADER = 8, TCP_CHECKSUM = 16;
    private static final java.lang.foreign.ValueLayout.OfShort U16 =
            java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private static int[] concat(int[] words, int a, int b) {
        int[] out = java.util.Arrays.copyOf(words, words.length + 2);
        out[words.length] = a;
        out[words.length + 1] = b;
        return out;
    }

    /**
     * IPv6 has no header checksum, but the checksum of what it carries covers both addresses (pseudo-header):
     * the addresses are rewritten over UDP (whose checksum is then recomputed) and over no next header (59);
     * over anything else (TCP, ICMPv6, an extension header) they are left and the frame reported.
     */
    private boolean ipv6(MemorySegment s, int off, int len) {
        if (!(Ipv6Header.decode(s, off, len) instanceof Decoded.Ok<Ipv6Header> ok)) return false;
        Ipv6Header h = ok.value();
        checkMerge(ipv6Kind, h.src());
        checkMerge(ipv6Kind, h.dst());
        Bytes src = map.ipv6().getOrDefault(h.src(), h.src()), dst = map.ipv6().getOrDefault(h.dst(), h.dst());
        boolean moves = !src.equals(h.src()) || !dst.equals(h.dst());
        if (h.nextHeader() != LinkLayouts.IP_PROTO_UDP) {
            if (!moves) return false;
            if (h.nextHeader() != IPV6_NO_NEXT_HEADER) {
                problem("IPv6 next header " + h.nextHeader() + ": its checksum covers the addresses and is not recomputed here, so the addresses were not rewritten");
                return false;
            }
            new Ipv6Header(h.trafficClass(), h.flowLabel(), h.payloadLength(), h.nextHeader(), h.hopLimit(), src, dst).encodeTo(s, off);
            return true;
        }
        int end = Math.min(len, ok.length() + h.payloadLength());
        boolean changed = udp(s, off + ok.length(), end - ok.length(), new Ipv6Pseudo(h.src(), h.dst()), new Ipv6Pseudo(src, dst));
        if (moves) {
            new Ipv6Header(h.trafficClass(), h.flowLabel(), h.payloadLength(), h.nextHeader(), h.hopLimit(), src, dst).encodeTo(s, off);
            changed = true;
        }
        return changed;
    }

    private static final int IPV6_NO_NEXT_HEADER = 59;

    /** The pseudo-header a UDP checksum covers (IPv4 or IPv6 addresses). */
    private sealed interface Pseudo permits Ipv4Pseudo, Ipv6Pseudo {
        UdpHeader checksummed(UdpHeader u, Bytes payload);
    }

    private record Ipv4Pseudo(int src, int dst) implements Pseudo {
        public UdpHeader checksummed(UdpHeader u, Bytes payload) {
            return u.withChecksumIpv4(src, dst, payload);
        }
    }

    private record Ipv6Pseudo(Bytes src, Bytes dst) implements Pseudo {
        public UdpHeader checksummed(UdpHeader u, Bytes payload) {
            return u.withChecksumIpv6(src, dst, payload);
        }
    }

    private boolean udp(MemorySegment s, int off, int len, Pseudo before, Pseudo after) {
        if (!(UdpHeader.decode(s, off, len) instanceof Decoded.Ok<UdpHeader> ok)) return false;
        UdpHeader u = ok.value();
        int payloadOff = off + ok.length();
        int payloadLen = u.length() - ok.length();
        boolean whole = payloadLen >= 0 && payloadLen <= len - ok.length();
        if (!whole) payloadLen = Math.max(0, len - ok.length());
        boolean checked = u.checksum() != 0 && whole;
        boolean good = checked && before.checksummed(u, Bytes.copyOf(s, payloadOff, payloadLen)).checksum() == u.checksum();
        boolean changed = !before.equals(after);
        if (u.srcPort() == LinkLayouts.UDP_PORT_CELL || u.dstPort() == LinkLayouts.UDP_PORT_CELL) {
            changed |= cell(s, payloadOff, payloadLen);
        }
        checkMerge(portKind, u.srcPort());
        checkMerge(portKind, u.dstPort());
        int sp = map.udpPorts().getOrDefault(u.srcPort(), u.srcPort()), dp = map.udpPorts().getOrDefault(u.dstPort(), u.dstPort());
        changed |= sp != u.srcPort() || dp != u.dstPort();
        if (!changed) return false;
        UdpHeader moved = new UdpHeader(sp, dp, u.length(), u.checksum());
        if (good) {
            moved = after.checksummed(moved, Bytes.copyOf(s, payloadOff, payloadLen));
            checksumsRecomputed++;
        } else if (u.checksum() != 0) {
            problem(whole ? "UDP checksum was already bad in the capture: left bad"
                    : "UDP datagram cut short in the capture: its checksum cannot be recomputed");
        }
        moved.encodeTo(s, off);
        return true;
    }

    private void problem(String message) {
        problemCount++;
        if (problems.size() < MAX_KEPT) problems.add("frame " + frame + ": " + message);
    }

    private static long indexOf(MemorySegment s, int from, int len, byte[] needle) {
        outer:
        for (int i = from; i + needle.length <= from + len; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (s.get(java.lang.foreign.ValueLayout.JAVA_BYTE, i + k) != needle[k]) continue outer;
            }
            return i;
        }
        return -1;
    }

    private static long bytesToLong(byte[] b) {
        long v = 0;
        for (byte x : b) v = v << 8 | (x & 0xFF);
        return v;
    }

    private static byte[] longToBytes(long v, int n) {
        byte[] b = new byte[n];
        for (int i = n - 1; i >= 0; i--, v >>>= 8) b[i] = (byte) v;
        return b;
    }
}
