package dev.cellscope.replay;

import dev.cellscope.crypto.Crc64GoIso;
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
import java.util.List;

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

    public FrameRewriter(AddressMap map) {
        this.map = map;
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
        if (now == null) return false;
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
            Bytes now = map.cellIds().get(Bytes.of(id.getBytes(s, off)));
            if (now != null) {
                id.setBytes(s, off, now.toArray());
                changed = true;
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
        int src = map.ipv4().getOrDefault(h.src(), h.src()), dst = map.ipv4().getOrDefault(h.dst(), h.dst());
        boolean first = (h.flagsFragment() & 0x3FFF) == 0; // not a fragment (no offset, no more-fragments)
        boolean changed = false;
        if (h.protocol() == LinkLayouts.IP_PROTO_UDP) {
            if (first) {
                int end = Math.min(len, Math.max(hl, h.totalLength()));
                changed = udp(s, off + hl, end - hl, new Ipv4Pseudo(h.src(), h.dst()), new Ipv4Pseudo(src, dst));
            } else if (!map.udpPorts().isEmpty() || !map.cellIds().isEmpty() || !map.tetherIds().isEmpty()) {
                problem("IPv4 fragment: its UDP header and payload cannot be rewritten (only whole datagrams are)");
            }
        }
        if (src != h.src() || dst != h.dst()) {
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

    /**
     * IPv6 has no header checksum, but the checksum of what it carries covers both addresses (pseudo-header):
     * the addresses are rewritten over UDP (whose checksum is then recomputed) and over no next header (59);
     * over anything else (TCP, ICMPv6, an extension header) they are left and the frame reported.
     */
    private boolean ipv6(MemorySegment s, int off, int len) {
        if (!(Ipv6Header.decode(s, off, len) instanceof Decoded.Ok<Ipv6Header> ok)) return false;
        Ipv6Header h = ok.value();
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
