package dev.cellscope.nativetap.dpdk;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * DPDK 22.11's libraries (Debian's {@code dpdk} package: {@code librte_*.so.23}) bound once through
 * FFM. Nothing of ours in C: every call is an exported function of the installed libraries, and the
 * one inline function we need ({@code rte_eth_rx_burst}) is re-expressed in {@link DpdkPort} from
 * the exported {@code rte_eth_fp_ops} array. When a library is missing, {@link #unavailableReason()}
 * says which and how to install it, and nothing else here is touched.
 */
final class DpdkLibrary {
    private DpdkLibrary() {}

    /** The ABI these layouts were taken from (DPDK 22.11 LTS, soname .23); another ABI has other offsets. */
    static final String SONAME = ".so.23";
    static final String INSTALL = "install the Debian packages dpdk and librte-net-af-xdp23 (apt-get install dpdk librte-net-af-xdp23)";

    private static final Linker LINKER = Linker.nativeLinker();
    private static final String REASON;
    private static final SymbolLookup EAL, ETHDEV, MBUF, MEMPOOL, VDEV;

    static {
        SymbolLookup eal = null, ethdev = null, mbuf = null, mempool = null, vdev = null;
        String reason = null;
        String current = "librte_eal" + SONAME;
        try {
            eal = load(current);
            current = "librte_mempool" + SONAME;
            mempool = load(current);
            current = "librte_mbuf" + SONAME;
            mbuf = load(current);
            current = "librte_ethdev" + SONAME;
            ethdev = load(current);
            current = "librte_bus_vdev" + SONAME;
            vdev = load(current);
        } catch (IllegalArgumentException | UnsatisfiedLinkError e) {
            reason = "the DPDK 22.11 libraries are not installed (" + current + " not found): " + INSTALL;
        }
        REASON = reason;
        EAL = eal;
        ETHDEV = ethdev;
        MBUF = mbuf;
        MEMPOOL = mempool;
        VDEV = vdev;
    }

    @SuppressWarnings("restricted") // loading DPDK's libraries is this package's purpose; the launcher grants native access
    private static SymbolLookup load(String soname) {
        return SymbolLookup.libraryLookup(soname, Arena.global());
    }

    /** Why DPDK cannot be used here (one line naming the fix), or null. */
    static String unavailableReason() {
        return REASON;
    }

    // ---- the functions (null handles when unavailable: callers check unavailableReason() first) ----

    static final MethodHandle EAL_INIT = bind(EAL, "rte_eal_init", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    static final MethodHandle EAL_CLEANUP = bind(EAL, "rte_eal_cleanup", FunctionDescriptor.of(JAVA_INT));
    static final MethodHandle OPENLOG_STREAM = bind(EAL, "rte_openlog_stream", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle STRERROR = bind(EAL, "rte_strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
    static final MethodHandle POOL_CREATE = bind(MBUF, "rte_pktmbuf_pool_create",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_INT));
    /** Not critical: with a pool's cache it may take the pool's lock; cheap either way next to a burst. */
    static final MethodHandle FREE_BULK = bind(MBUF, "rte_pktmbuf_free_bulk", FunctionDescriptor.ofVoid(ADDRESS, JAVA_INT));
    static final MethodHandle MEMPOOL_FREE = bind(MEMPOOL, "rte_mempool_free", FunctionDescriptor.ofVoid(ADDRESS));
    // a pool built step by step as rte_pktmbuf_pool_create does, with flags it does not take (see DpdkPort's packed pool)
    static final MethodHandle MEMPOOL_CREATE_EMPTY = bind(MEMPOOL, "rte_mempool_create_empty",
            FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    static final MethodHandle MEMPOOL_SET_OPS_BYNAME = bind(MEMPOOL, "rte_mempool_set_ops_byname",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    static final MethodHandle MEMPOOL_POPULATE_DEFAULT = bind(MEMPOOL, "rte_mempool_populate_default", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle MEMPOOL_OBJ_ITER = bind(MEMPOOL, "rte_mempool_obj_iter", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    static final MethodHandle MEMPOOL_MEM_ITER = bind(MEMPOOL, "rte_mempool_mem_iter", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS));
    static final MethodHandle MBUF_BEST_MEMPOOL_OPS = bind(MBUF, "rte_mbuf_best_mempool_ops", FunctionDescriptor.of(ADDRESS));
    static final MethodHandle PKTMBUF_POOL_INIT = bind(MBUF, "rte_pktmbuf_pool_init", FunctionDescriptor.ofVoid(ADDRESS, ADDRESS));
    /** {@code rte_pktmbuf_init}, an {@code rte_mempool_obj_cb_t} given to {@code rte_mempool_obj_iter} as a function pointer. */
    static final MemorySegment PKTMBUF_INIT = symbol(MBUF, "rte_pktmbuf_init").orElse(MemorySegment.NULL);
    /** An {@code rte_mempool_mem_cb_t} that does nothing: {@code rte_mempool_mem_iter} then just counts a pool's memory chunks. */
    static final MemorySegment NO_MEM_CB = noMemCallback();

    private static MemorySegment noMemCallback() {
        try {
            MethodHandle none = java.lang.invoke.MethodHandles.lookup().findStatic(DpdkLibrary.class, "noMemChunk",
                    java.lang.invoke.MethodType.methodType(void.class, MemorySegment.class, MemorySegment.class, MemorySegment.class, int.class));
            return LINKER.upcallStub(none, FunctionDescriptor.ofVoid(ADDRESS, ADDRESS, ADDRESS, JAVA_INT), Arena.global());
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static void noMemChunk(MemorySegment mp, MemorySegment opaque, MemorySegment memhdr, int index) {
        // counted by rte_mempool_mem_iter's result
    }
    static final MethodHandle VDEV_INIT = bind(VDEV, "rte_vdev_init", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle VDEV_UNINIT = bind(VDEV, "rte_vdev_uninit", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle PORT_BY_NAME = bind(ETHDEV, "rte_eth_dev_get_port_by_name", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle DEV_CONFIGURE = bind(ETHDEV, "rte_eth_dev_configure",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, ADDRESS));
    static final MethodHandle RXQ_SETUP = bind(ETHDEV, "rte_eth_rx_queue_setup",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, JAVA_INT, ADDRESS, ADDRESS));
    static final MethodHandle TXQ_SETUP = bind(ETHDEV, "rte_eth_tx_queue_setup",
            FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, JAVA_SHORT, JAVA_SHORT, JAVA_INT, ADDRESS));
    static final MethodHandle DEV_START = bind(ETHDEV, "rte_eth_dev_start", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
    static final MethodHandle DEV_STOP = bind(ETHDEV, "rte_eth_dev_stop", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
    static final MethodHandle DEV_CLOSE = bind(ETHDEV, "rte_eth_dev_close", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
    static final MethodHandle PROMISC_ENABLE = bind(ETHDEV, "rte_eth_promiscuous_enable", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
    static final MethodHandle PROMISC_DISABLE = bind(ETHDEV, "rte_eth_promiscuous_disable", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
    static final MethodHandle STATS_GET = bind(ETHDEV, "rte_eth_stats_get", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT, ADDRESS));
    static final MethodHandle STATS_RESET = bind(ETHDEV, "rte_eth_stats_reset", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));
    static final MethodHandle SOCKET_ID = bind(ETHDEV, "rte_eth_dev_socket_id", FunctionDescriptor.of(JAVA_INT, JAVA_SHORT));

    /**
     * A PMD's {@code eth_rx_burst_t}: {@code uint16_t (*)(void *rxq, struct rte_mbuf **rx_pkts, uint16_t nb_pkts)}, called
     * through the pointer in {@code rte_eth_fp_ops}. Critical (no thread-state transition): a burst never blocks, it
     * takes what the queue holds and returns.
     */
    static final MethodHandle RX_BURST = LINKER.downcallHandle(FunctionDescriptor.of(JAVA_SHORT, ADDRESS, ADDRESS, JAVA_SHORT),
            Linker.Option.critical(false));

    /** {@code struct rte_eth_fp_ops rte_eth_fp_ops[RTE_MAX_ETHPORTS]}, exported by librte_ethdev. */
    static final MemorySegment FP_OPS = symbol(ETHDEV, "rte_eth_fp_ops")
            .map(s -> s.reinterpret(DpdkAbi.FP_OPS_SIZE * DpdkAbi.MAX_ETHPORTS)).orElse(MemorySegment.NULL);

    // libc, for the EAL's log stream and for catching what it prints while it parses its arguments
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    static final MethodHandle FOPEN = bind(LIBC, "fopen", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    static final MethodHandle FFLUSH = bind(LIBC, "fflush", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle DUP = bind(LIBC, "dup", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    static final MethodHandle DUP2 = bind(LIBC, "dup2", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    static final MethodHandle FILENO = bind(LIBC, "fileno", FunctionDescriptor.of(JAVA_INT, ADDRESS));
    static final MethodHandle CLOSE = bind(LIBC, "close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    static final MethodHandle GETSOCKOPT = bind(LIBC, "getsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));

    private static MethodHandle bind(SymbolLookup lib, String name, FunctionDescriptor fd) {
        return symbol(lib, name).map(fn -> LINKER.downcallHandle(fn, fd)).orElse(null);
    }

    private static Optional<MemorySegment> symbol(SymbolLookup lib, String name) {
        return lib == null ? Optional.empty() : lib.find(name);
    }

    /**
     * {@code rte_errno} of the calling thread. It is a thread-local variable ({@code per_lcore__rte_errno});
     * glibc's {@code dlsym}, under {@link SymbolLookup#find}, gives a thread-local symbol's address in the calling thread.
     */
    static int rteErrno() {
        return EAL == null ? 0 : EAL.find("per_lcore__rte_errno")
                .map(s -> s.reinterpret(4).get(ValueLayout.JAVA_INT, 0)).orElse(0);
    }

    /** {@code rte_strerror(code)}: DPDK's text for its own codes and errno's. */
    static String strerror(int code) {
        try {
            MemorySegment s = (MemorySegment) STRERROR.invokeExact(code);
            return s.reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "error " + code;
        }
    }
}
