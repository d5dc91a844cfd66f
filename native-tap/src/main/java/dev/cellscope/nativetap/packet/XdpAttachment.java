package dev.cellscope.nativetap.packet;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Whether an interface has an XDP program attached, through libbpf's {@code bpf_xdp_query_id} (a netlink query: no
 * privilege needed). Bound on its own, not through {@link XdpLibrary}: that class silences libbpf's and libxdp's
 * printing for the whole process when it loads, and DPDK's af_xdp driver, which asks this first, quotes libbpf's
 * printed reason from its log when it fails ("veth: Peer MTU is too large to set XDP").
 */
public final class XdpAttachment {
    /** XDP_FLAGS_SKB_MODE, XDP_FLAGS_DRV_MODE, XDP_FLAGS_HW_MODE (linux/if_link.h): each place a program can be attached. */
    private static final int[] MODES = {1 << 1, 1 << 2, 1 << 3};
    private static final MethodHandle QUERY_ID = bind();

    private XdpAttachment() {}

    @SuppressWarnings("restricted") // libbpf through FFM is this class's purpose
    private static MethodHandle bind() {
        try {
            SymbolLookup bpf = SymbolLookup.libraryLookup("libbpf.so.1", Arena.global());
            return Linker.nativeLinker().downcallHandle(bpf.find("bpf_xdp_query_id").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
        } catch (RuntimeException e) {
            return null; // no libbpf: nothing can be told (and nothing of libxdp's can have attached a program here)
        }
    }

    /** The id of an XDP program attached to interface {@code ifindex} in any mode (libxdp's dispatcher, when programs share it), or 0: none, or libbpf missing. */
    public static int programId(int ifindex) {
        if (QUERY_ID == null) return 0;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment id = a.allocate(ValueLayout.JAVA_INT);
            for (int flags : MODES) {
                id.set(ValueLayout.JAVA_INT, 0, 0);
                int r = (int) QUERY_ID.invokeExact(ifindex, flags, id);
                if (r == 0 && id.get(ValueLayout.JAVA_INT, 0) != 0) return id.get(ValueLayout.JAVA_INT, 0);
            }
            return 0;
        } catch (Throwable t) {
            return 0;
        }
    }
}
