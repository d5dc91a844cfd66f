package dev.cellscope.nativetap.packet;

import java.util.List;

/**
 * A classic BPF program as libpcap's {@code pcap_compile} made it (or as {@link #acceptAll} makes
 * it), ready for {@code SO_ATTACH_FILTER}.
 *
 * @param expression   the filter text it was compiled from ("" for {@link #acceptAll})
 * @param instructions the program, in order
 * @param compiledFor  how it was compiled: {@code "interface vethX"} (a live libpcap handle, as
 *                     tcpdump does), {@code "Ethernet (interface down)"} or {@code "Ethernet"}
 *                     ({@code pcap_open_dead}); only the {@code vlan} keyword differs between them
 */
public record BpfProgram(String expression, List<Instruction> instructions, String compiledFor) {
    /** The kernel's limit (BPF_MAXINSNS). */
    public static final int MAX_INSTRUCTIONS = 4096;

    public BpfProgram {
        instructions = List.copyOf(instructions);
        if (instructions.isEmpty() || instructions.size() > MAX_INSTRUCTIONS) {
            throw new IllegalArgumentException("a BPF program has 1.." + MAX_INSTRUCTIONS + " instructions, not " + instructions.size());
        }
    }

    /**
     * {@code ret #snaplen}: keeps every frame, its first {@code snaplen} bytes only (a filter's
     * return value is how many bytes the kernel copies into the ring).
     */
    public static BpfProgram acceptAll(int snaplen) {
        return new BpfProgram("", List.of(new Instruction(0x06, 0, 0, snaplen)), "any link");
    }

    /** {@code struct sock_filter} / {@code struct bpf_insn}: opcode, jump if true, jump if false, constant. */
    public record Instruction(int code, int jt, int jf, int k) {
        @Override
        public String toString() {
            return String.format("{ 0x%x, %d, %d, 0x%08x }", code, jt, jf, k);
        }
    }
}
