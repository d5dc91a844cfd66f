package dev.cellscope.nativetap.packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.List;

/**
 * Runs a classic BPF program (libpcap's {@code pcap_compile} output, {@link BpfProgram}) over a
 * frame in memory, in Java: the capture filter of a path where no socket filter can be attached
 * (AF_XDP's frames never pass one). The same instruction set as the kernel's and libpcap's
 * {@code bpf_filter}: loads, stores, ALU, jumps, returns; an out-of-bounds load or a division by
 * zero rejects the frame, as there.
 *
 * <p>Two views of the frame. {@link View#RAW}: the bytes as they are, what {@code tcpdump -r}
 * filters (for a program compiled with {@link BpfCompiler#compileForEthernet}).
 * {@link View#KERNEL}: what a Linux socket filter sees, so a program compiled for a live interface
 * ({@link BpfCompiler#compileFor}, as tcpdump and the AF_PACKET ring do) keeps what it keeps
 * there — an outer 802.1Q/802.1ad tag is taken out of the bytes and offered through the
 * ancillary loads ({@code SKF_AD_VLAN_TAG}, {@code _PRESENT}, {@code _TPID}) and
 * {@code SKF_AD_PROTOCOL} is the EtherType behind it. Of the other ancillary loads only those a
 * filter expression can produce on Ethernet are given ({@code PKTTYPE}: 0, this host's; {@code
 * IFINDEX}; {@code HATYPE}: 1); the rest load 0.
 *
 * <p>Not thread-safe (its scratch memory); one per capture thread.
 */
public final class BpfFilter {
    /** How the program sees the frame. */
    public enum View { RAW, KERNEL }

    private static final ValueLayout.OfInt BE32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final int SKF_AD_OFF = -0x1000;
    private static final int SKF_AD_PROTOCOL = 0, SKF_AD_PKTTYPE = 4, SKF_AD_IFINDEX = 8, SKF_AD_HATYPE = 28,
            SKF_AD_VLAN_TAG = 44, SKF_AD_VLAN_TAG_PRESENT = 48, SKF_AD_VLAN_TPID = 60;

    private final short[] code;
    private final byte[] jt, jf;
    private final int[] k;
    private final View view;
    private final int ifindex;
    private final int[] mem = new int[16];
    private final BpfProgram program;

    public BpfFilter(BpfProgram program, View view, int ifindex) {
        this.program = program;
        List<BpfProgram.Instruction> in = program.instructions();
        int n = in.size();
        code = new short[n];
        jt = new byte[n];
        jf = new byte[n];
        k = new int[n];
        for (int i = 0; i < n; i++) {
            code[i] = (short) in.get(i).code();
            jt[i] = (byte) in.get(i).jt();
            jf[i] = (byte) in.get(i).jf();
            k[i] = in.get(i).k();
        }
        this.view = view;
        this.ifindex = ifindex;
    }

    public BpfProgram program() {
        return program;
    }

    /** Whether the frame of {@code length} bytes at {@code offset} of {@code data} passes (the program returns non-zero). */
    public boolean accepts(MemorySegment data, long offset, int length) {
        return run(data, offset, length) != 0;
    }

    /** The program's return value for the frame (0: rejected; else how many bytes to keep, as the kernel reads it). */
    public int run(MemorySegment data, long offset, int length) {
        int tci = 0, tpid = 0;
        boolean tagged = false;
        if (view == View.KERNEL && length >= 18) {
            int type = data.get(BE16, offset + 12) & 0xffff;
            if (type == 0x8100 || type == 0x88a8) {
                tagged = true;
                tpid = type;
                tci = data.get(BE16, offset + 14) & 0xffff;
            }
        }
        int len = tagged ? length - 4 : length;
        int a = 0, x = 0;
        int pc = 0;
        while (pc < code.length) {
            int c = code[pc] & 0xffff, kk = k[pc];
            int at = pc++;
            switch (c & 0x07) {
                case 0x00, 0x01 -> { // LD, LDX
                    boolean toX = (c & 0x07) == 0x01;
                    int size = c & 0x18, mode = c & 0xe0;
                    long v;
                    switch (mode) {
                        case 0x00 -> v = kk; // IMM
                        case 0x80 -> v = len; // LEN
                        case 0x60 -> { // MEM
                            if (kk < 0 || kk >= 16) return 0;
                            v = mem[kk];
                        }
                        case 0x20, 0x40 -> { // ABS, IND
                            if (toX) return 0; // no such instruction
                            if (mode == 0x20 && kk < 0 && kk >= SKF_AD_OFF) {
                                v = ancillary(kk - SKF_AD_OFF, tagged, tci, tpid, data, offset, length);
                            } else {
                                long o = (mode == 0x40 ? Integer.toUnsignedLong(x) : 0) + Integer.toUnsignedLong(kk);
                                v = load(data, offset, len, tagged, o, size);
                                if (v < 0) return 0; // out of bounds: the frame is rejected
                            }
                        }
                        case 0xa0 -> { // MSH: X = 4 * (P[k] & 0xf), the IPv4 header length
                            if (!toX) return 0;
                            long b = load(data, offset, len, tagged, Integer.toUnsignedLong(kk), 0x10);
                            if (b < 0) return 0;
                            v = (b & 0xf) << 2;
                        }
                        default -> {
                            return 0;
                        }
                    }
                    if (toX) x = (int) v;
                    else a = (int) v;
                }
                case 0x02 -> { // ST
                    if (kk < 0 || kk >= 16) return 0;
                    mem[kk] = a;
                }
                case 0x03 -> { // STX
                    if (kk < 0 || kk >= 16) return 0;
                    mem[kk] = x;
                }
                case 0x04 -> { // ALU
                    int src = (c & 0x08) != 0 ? x : kk;
                    switch (c & 0xf0) {
                        case 0x00 -> a += src;
                        case 0x10 -> a -= src;
                        case 0x20 -> a *= src;
                        case 0x30 -> {
                            if (src == 0) return 0;
                            a = Integer.divideUnsigned(a, src);
                        }
                        case 0x90 -> {
                            if (src == 0) return 0;
                            a = Integer.remainderUnsigned(a, src);
                        }
                        case 0x40 -> a |= src;
                        case 0x50 -> a &= src;
                        case 0xa0 -> a ^= src;
                        case 0x60 -> a = Integer.compareUnsigned(src, 32) >= 0 ? 0 : a << src;
                        case 0x70 -> a = Integer.compareUnsigned(src, 32) >= 0 ? 0 : a >>> src;
                        case 0x80 -> a = -a;
                        default -> {
                            return 0;
                        }
                    }
                }
                case 0x05 -> { // JMP
                    int op = c & 0xf0;
                    if (op == 0x00) { // JA
                        pc += kk;
                    } else {
                        int src = (c & 0x08) != 0 ? x : kk;
                        boolean t = switch (op) {
                            case 0x10 -> a == src;
                            case 0x20 -> Integer.compareUnsigned(a, src) > 0;
                            case 0x30 -> Integer.compareUnsigned(a, src) >= 0;
                            case 0x40 -> (a & src) != 0;
                            default -> false;
                        };
                        pc += t ? (jt[at] & 0xff) : (jf[at] & 0xff);
                    }
                    if (pc < 0) return 0;
                }
                case 0x06 -> { // RET
                    return switch (c & 0x18) {
                        case 0x00 -> kk;
                        case 0x10 -> a;
                        default -> x;
                    };
                }
                default -> { // MISC
                    if ((c & 0xf8) == 0x00) x = a; // TAX
                    else a = x; // TXA
                }
            }
        }
        return 0; // ran off the end: the kernel's checker would refuse such a program
    }

    /**
     * A big-endian load of 1, 2 or 4 bytes ({@code size} 0x10, 0x08, 0x00) at {@code o} of the
     * view (the frame without its outer tag when {@code tagged}); -1 when out of bounds.
     */
    private static long load(MemorySegment data, long offset, int len, boolean tagged, long o, int size) {
        int n = size == 0x10 ? 1 : size == 0x08 ? 2 : 4;
        if (o + n > len) return -1;
        if (!tagged || o + n <= 12) return read(data, offset + o, n);
        if (o >= 12) return read(data, offset + o + 4, n);
        long v = 0; // straddles the removed tag: byte by byte
        for (int i = 0; i < n; i++) {
            long p = o + i;
            v = v << 8 | (data.get(ValueLayout.JAVA_BYTE, offset + (p < 12 ? p : p + 4)) & 0xff);
        }
        return v;
    }

    private static long read(MemorySegment data, long at, int n) {
        return switch (n) {
            case 1 -> data.get(ValueLayout.JAVA_BYTE, at) & 0xffL;
            case 2 -> data.get(BE16, at) & 0xffffL;
            default -> data.get(BE32, at) & 0xffffffffL;
        };
    }

    private long ancillary(int which, boolean tagged, int tci, int tpid, MemorySegment data, long offset, int length) {
        return switch (which) {
            case SKF_AD_PROTOCOL -> length >= (tagged ? 18 : 14) ? data.get(BE16, offset + (tagged ? 16 : 12)) & 0xffff : 0;
            case SKF_AD_PKTTYPE -> 0;
            case SKF_AD_IFINDEX -> ifindex;
            case SKF_AD_HATYPE -> 1;
            case SKF_AD_VLAN_TAG -> tagged ? tci : 0;
            case SKF_AD_VLAN_TAG_PRESENT -> tagged ? 1 : 0;
            case SKF_AD_VLAN_TPID -> tagged ? tpid : 0;
            default -> 0;
        };
    }
}
