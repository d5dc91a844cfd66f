package dev.cellscope.nativetap.packet;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The libxdp and libbpf functions that load and attach the XDP program of an AF_XDP capture
 * ({@link XdpProgram}), bound through FFM on first use. Only the program goes through them: the
 * socket, the UMEM and the rings are plain system calls and shared memory driven from Java
 * ({@link XdpSocket}), because libxdp's ring helpers are {@code static inline} in its header.
 * Debian packages {@code libxdp1} and {@code libbpf1}; when either is missing, {@link #unavailableReason()}
 * says so and nothing else here may be called.
 */
final class XdpLibrary {
    private XdpLibrary() {
    }

    private static final Linker LINKER = Linker.nativeLinker();
    private static final String REASON;
    static final MethodHandle FIND_FILE, GET_ERROR, STRERROR, SET_FRAGS, BPF_OBJ, ATTACH, DETACH, CLOSE, PROGRAM_ID;
    static final MethodHandle FIND_MAP, SET_MAX_ENTRIES, MAP_FD, MAP_UPDATE, MAP_DELETE;

    static {
        String reason = null;
        MethodHandle[] h = new MethodHandle[14];
        try {
            SymbolLookup xdp = lookup("libxdp.so.1", "libxdp1");
            SymbolLookup bpf = lookup("libbpf.so.1", "libbpf1");
            h[0] = bind(xdp, "xdp_program__find_file", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS, ADDRESS));
            h[1] = bind(xdp, "libxdp_get_error", FunctionDescriptor.of(JAVA_LONG, ADDRESS));
            h[2] = bind(xdp, "libxdp_strerror", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_LONG));
            h[3] = bind(xdp, "xdp_program__set_xdp_frags_support", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_BOOLEAN));
            h[4] = bind(xdp, "xdp_program__bpf_obj", FunctionDescriptor.of(ADDRESS, ADDRESS));
            h[5] = bind(xdp, "xdp_program__attach", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
            h[6] = bind(xdp, "xdp_program__detach", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT));
            h[7] = bind(xdp, "xdp_program__close", FunctionDescriptor.ofVoid(ADDRESS));
            h[8] = bind(xdp, "xdp_program__id", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            h[9] = bind(bpf, "bpf_object__find_map_by_name", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
            h[10] = bind(bpf, "bpf_map__set_max_entries", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
            h[11] = bind(bpf, "bpf_map__fd", FunctionDescriptor.of(JAVA_INT, ADDRESS));
            h[12] = bind(bpf, "bpf_map_update_elem", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG));
            h[13] = bind(bpf, "bpf_map_delete_elem", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
            // both libraries print warnings to stderr on their own (e.g. when no bpffs is mounted); a null
            // print function silences them: every failure that matters comes back as an error code
            MemorySegment previous = (MemorySegment) bind(xdp, "libxdp_set_print", FunctionDescriptor.of(ADDRESS, ADDRESS)).invokeExact(MemorySegment.NULL);
            previous = (MemorySegment) bind(bpf, "libbpf_set_print", FunctionDescriptor.of(ADDRESS, ADDRESS)).invokeExact(MemorySegment.NULL);
        } catch (Unavailable e) {
            reason = e.getMessage();
        } catch (Throwable t) {
            reason = "cannot bind libxdp/libbpf: " + t;
        }
        REASON = reason;
        FIND_FILE = h[0];
        GET_ERROR = h[1];
        STRERROR = h[2];
        SET_FRAGS = h[3];
        BPF_OBJ = h[4];
        ATTACH = h[5];
        DETACH = h[6];
        CLOSE = h[7];
        PROGRAM_ID = h[8];
        FIND_MAP = h[9];
        SET_MAX_ENTRIES = h[10];
        MAP_FD = h[11];
        MAP_UPDATE = h[12];
        MAP_DELETE = h[13];
    }

    /** Why AF_XDP's program cannot be loaded here (libxdp or libbpf missing), or null. */
    static String unavailableReason() {
        return REASON;
    }

    /** libxdp's text for an error code (negative errno or one of its own). */
    static String strerror(int err) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(256);
            int r = (int) STRERROR.invokeExact(err, buf, 256L);
            return r == 0 ? buf.getString(0) : "error " + err;
        } catch (Throwable t) {
            return "error " + err;
        }
    }

    private static final class Unavailable extends Exception {
        Unavailable(String m) {
            super(m);
        }
    }

    @SuppressWarnings("restricted") // loading a Debian library for FFM is this class's purpose
    private static SymbolLookup lookup(String library, String debianPackage) throws Unavailable {
        try {
            return SymbolLookup.libraryLookup(library, Arena.global());
        } catch (IllegalArgumentException e) {
            throw new Unavailable(library + " not found: install it (apt-get install " + debianPackage + ")");
        }
    }

    @SuppressWarnings("restricted")
    private static MethodHandle bind(SymbolLookup lib, String name, FunctionDescriptor fd) throws Unavailable {
        MemorySegment fn = lib.find(name).orElseThrow(() -> new Unavailable("libxdp/libbpf has no " + name + " (libxdp 1.2 or newer needed)"));
        return LINKER.downcallHandle(fn, fd);
    }
}
