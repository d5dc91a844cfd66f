package dev.cellscope.nativetap.packet;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Compiles tcpdump filter expressions ({@code ether proto 0x88b5 or udp port 34997}) to classic
 * BPF with libpcap's own {@code pcap_compile}, called through FFM, so a filter means exactly
 * what it means to tcpdump and a bad one gets libpcap's message. libpcap is Debian's
 * {@code libpcap0.8} ({@code libpcap.so.0.8}; {@code libpcap.so.1} elsewhere), loaded on first use.
 *
 * <p>Why a live handle: on Linux the kernel removes a frame's 802.1Q tag before any filter runs,
 * and libpcap compiles the {@code vlan} keyword to the kernel's VLAN ancillary loads only for a
 * live capture handle; {@code pcap_open_dead} makes code that looks for 0x8100 in the frame, which
 * then never matches. {@link #compileFor} therefore compiles on a live handle of the interface
 * (opened, used and closed at once, as tcpdump compiles on its own handle). Every other keyword
 * compiles to the same code either way (checked for the cell filter in the tests).
 */
public final class BpfCompiler {
    private BpfCompiler() {
    }

    private static final int DLT_EN10MB = 1;
    private static final int PCAP_NETMASK_UNKNOWN = 0xffffffff;
    private static final int PCAP_ERRBUF_SIZE = 256;
    private static final Object LOCK = new Object();

    /**
     * Compiles {@code expression} as {@code tcpdump -i ifname -s snaplen} would. When libpcap cannot
     * open the interface (e.g. it is down), compiles for plain Ethernet instead, where only the
     * {@code vlan} keyword means something else (see the class comment); {@link BpfProgram#compiledFor} says which.
     *
     * @throws CaptureFilterException with libpcap's message for a bad expression, or when libpcap is missing
     */
    public static BpfProgram compileFor(String ifname, int snaplen, String expression) {
        Pcap pcap = Pcap.get();
        synchronized (LOCK) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment errbuf = a.allocate(PCAP_ERRBUF_SIZE);
                MemorySegment p = pcap.create(a.allocateFrom(ifname), errbuf);
                if (!p.equals(MemorySegment.NULL)) {
                    try {
                        pcap.setSnaplen(p, snaplen);
                        pcap.setBufferSize(p, 1 << 16); // it only compiles: the smallest ring libpcap takes
                        if (pcap.activate(p) >= 0) { // > 0 is a warning (e.g. promiscuous mode unsupported)
                            return compile(pcap, a, p, expression, "interface " + ifname);
                        }
                    } finally {
                        pcap.close(p);
                    }
                }
            }
        }
        return compile(snaplen, expression, "Ethernet (interface " + ifname + " could not be opened by libpcap)");
    }

    /** Compiles {@code expression} for an Ethernet link with no interface ({@code pcap_open_dead(DLT_EN10MB)}). */
    public static BpfProgram compileForEthernet(int snaplen, String expression) {
        return compile(snaplen, expression, "Ethernet");
    }

    /** libpcap's version string, e.g. "libpcap version 1.10.3 (with TPACKET_V3)". */
    public static String libpcapVersion() {
        return Pcap.get().version();
    }

    private static BpfProgram compile(int snaplen, String expression, String compiledFor) {
        Pcap pcap = Pcap.get();
        synchronized (LOCK) {
            try (Arena a = Arena.ofConfined()) {
                MemorySegment p = pcap.openDead(DLT_EN10MB, snaplen);
                if (p.equals(MemorySegment.NULL)) throw new CaptureFilterException("libpcap: pcap_open_dead failed (out of memory?)");
                try {
                    return compile(pcap, a, p, expression, compiledFor);
                } finally {
                    pcap.close(p);
                }
            }
        }
    }

    private static BpfProgram compile(Pcap pcap, Arena a, MemorySegment p, String expression, String compiledFor) {
        // struct bpf_program { u_int bf_len; struct bpf_insn *bf_insns; }
        MemorySegment prog = a.allocate(16, 8);
        if (pcap.compile(p, prog, a.allocateFrom(expression), 1, PCAP_NETMASK_UNKNOWN) < 0) {
            throw new CaptureFilterException("bad capture filter '" + expression + "': " + pcap.error(p));
        }
        try {
            int n = prog.get(JAVA_INT, 0);
            if (n <= 0 || n > BpfProgram.MAX_INSTRUCTIONS) {
                throw new CaptureFilterException("capture filter '" + expression + "' compiles to " + n
                        + " instructions; the kernel takes at most " + BpfProgram.MAX_INSTRUCTIONS);
            }
            MemorySegment insns = prog.get(ADDRESS, 8).reinterpret(n * LinuxAbi.SOCK_FILTER_SIZE);
            List<BpfProgram.Instruction> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long o = i * LinuxAbi.SOCK_FILTER_SIZE;
                out.add(new BpfProgram.Instruction(Short.toUnsignedInt(insns.get(ValueLayout.JAVA_SHORT, o)),
                        Byte.toUnsignedInt(insns.get(ValueLayout.JAVA_BYTE, o + 2)),
                        Byte.toUnsignedInt(insns.get(ValueLayout.JAVA_BYTE, o + 3)), insns.get(JAVA_INT, o + 4)));
            }
            return new BpfProgram(expression, out, compiledFor);
        } finally {
            pcap.freecode(prog);
        }
    }

    /** The libpcap functions used, bound once on first use (lazily: a ring without a filter needs no libpcap). */
    private record Pcap(MethodHandle openDead, MethodHandle create, MethodHandle setSnaplenH, MethodHandle setBufferSizeH,
                        MethodHandle activateH, MethodHandle compileH, MethodHandle geterr, MethodHandle freecodeH,
                        MethodHandle closeH, MethodHandle libVersion) {
        private static volatile Pcap instance;
        private static volatile String missing;

        static Pcap get() {
            Pcap p = instance;
            if (p != null) return p;
            synchronized (LOCK) {
                if (instance == null && missing == null) {
                    try {
                        instance = load();
                    } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
                        missing = e.getMessage();
                    }
                }
                if (instance == null) {
                    throw new CaptureFilterException("capture filters need libpcap (Debian package libpcap0.8): " + missing);
                }
                return instance;
            }
        }

        @SuppressWarnings("restricted") // FFM is this package's purpose
        private static Pcap load() {
            SymbolLookup lib;
            try {
                lib = SymbolLookup.libraryLookup("libpcap.so.0.8", Arena.global());
            } catch (IllegalArgumentException e) {
                lib = SymbolLookup.libraryLookup("libpcap.so.1", Arena.global());
            }
            Linker l = Linker.nativeLinker();
            SymbolLookup s = lib;
            java.util.function.BiFunction<String, FunctionDescriptor, MethodHandle> bind = (name, fd) ->
                    l.downcallHandle(s.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libpcap has no " + name)), fd);
            return new Pcap(
                    bind.apply("pcap_open_dead", FunctionDescriptor.of(ADDRESS, JAVA_INT, JAVA_INT)),
                    bind.apply("pcap_create", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS)),
                    bind.apply("pcap_set_snaplen", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)),
                    bind.apply("pcap_set_buffer_size", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT)),
                    bind.apply("pcap_activate", FunctionDescriptor.of(JAVA_INT, ADDRESS)),
                    bind.apply("pcap_compile", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT)),
                    bind.apply("pcap_geterr", FunctionDescriptor.of(ADDRESS, ADDRESS)),
                    bind.apply("pcap_freecode", FunctionDescriptor.ofVoid(ADDRESS)),
                    bind.apply("pcap_close", FunctionDescriptor.ofVoid(ADDRESS)),
                    bind.apply("pcap_lib_version", FunctionDescriptor.of(ADDRESS)));
        }

        MemorySegment openDead(int linktype, int snaplen) {
            try {
                return (MemorySegment) openDead.invokeExact(linktype, snaplen);
            } catch (Throwable t) {
                throw unexpected(t);
            }
        }

        MemorySegment create(MemorySegment source, MemorySegment errbuf) {
            try {
                return (MemorySegment) create.invokeExact(source, errbuf);
            } catch (Throwable t) {
                throw unexpected(t);
            }
        }

        void setSnaplen(MemorySegment p, int snaplen) {
            try {
                int ignored = (int) setSnaplenH.invokeExact(p, snaplen);
            } catch (Throwable t) {
                throw unexpected(t);
            }
        }

        void setBufferSize(MemorySegment p, int size) {
            try {
                int ignored = (int) setBufferSizeH.invokeExact(p, size);
            } catch (Throwable t) {
                throw unexpected(t);
            }
        }

        int activate(MemorySegment p) {
            try {
                return (int) activateH.invokeExact(p);
            } catch (Throwable t) {
                throw unexpected(t);
            }
        }

        int compile(MemorySegment p, MemorySegment prog, MemorySegment text, int optimize, int netmask) {
            try {
                return (int) compileH.invokeExact(p, prog, text, optimize, netmask);
            } catch (Throwable t) {
                throw unexpected(t);
            }
        }

        String error(MemorySegment p) {
            try {
                return ((MemorySegment) geterr.invokeExact(p)).reinterpret(PCAP_ERRBUF_SIZE).getString(0);
            } catch (Throwable t) {
                throw unexpected(t);
            }
        }

        void freecode(MemorySegment prog) {
            try {
                freecodeH.invokeExact(prog);
            } catch (Throwable t) {
                throw unexpected(t);
            }
        }

        void close(MemorySegment p) {
            try {
                closeH.invokeExact(p);
            } catch (Throwable t) {
                throw unexpected(t);
            }
        }

        String version() {
            try {
                return ((MemorySegment) libVersion.invokeExact()).reinterpret(256).getString(0);
            } catch (Throwable t) {
                throw unexpected(t);
            }
        }

        private static IllegalStateException unexpected(Throwable t) {
            return new IllegalStateException("libpcap downcall failed: " + t, t);
        }
    }
}
