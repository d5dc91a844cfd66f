package dev.cellscope.nativetap.dpdk;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One DPDK ethdev port opened for receiving on one queue: its mbuf pool, configured with one RX
 * queue (and one TX queue it never uses), started, promiscuous if asked. A port is either a virtual device this class
 * hot-plugs into the running EAL ({@code rte_vdev_init}, e.g. {@code net_af_packet} on a kernel
 * interface) and removes again on {@link #close()}, or a port the EAL's own arguments made (a NIC
 * bound to vfio-pci and allowed with {@code -a}, or {@code --vdev}), found by its name.
 *
 * <p>Receiving is {@code rte_eth_rx_burst} re-expressed: that function is {@code static inline}, so
 * {@link RxBurst#receive} reads {@code rte_eth_fp_ops[port]} as the inline code does and calls the
 * PMD's {@code rx_pkt_burst(rxq.data[0], mbufs, n)} through its function pointer. (RX callbacks,
 * {@code rxq.clbk}, are not run: this class installs none.) One thread bursts; {@link #stats()} may
 * be called from any.
 */
public final class DpdkPort implements AutoCloseable {
    /** Names of hot-plugged devices and pools must be unique in the process. */
    private static final AtomicInteger SERIAL = new AtomicInteger();
    private static final Set<DpdkPort> OPEN = new LinkedHashSet<>(); // guarded by itself: closed at EAL cleanup

    /**
     * How to open a port.
     *
     * @param name          the device: a vdev name to create ({@code net_af_packet} with a suffix) or an existing port's name
     * @param vdevArgs      the virtual device's arguments ({@code iface=veth0,...}); null: {@code name} is a port the EAL made
     * @param mbufs         mbufs in the pool (more than the RX descriptors plus what one burst holds)
     * @param dataRoom      bytes of each mbuf's data room, headroom included ({@code RTE_MBUF_DEFAULT_BUF_SIZE} is 2176)
     * @param rxDescriptors RX ring size asked of the PMD
     * @param promiscuous   put the port in promiscuous mode while open (a kernel interface's through a membership the kernel counts)
     */
    public record Config(String name, String vdevArgs, int mbufs, int dataRoom, int rxDescriptors, boolean promiscuous) {
        public Config {
            if (mbufs < 64) throw new IllegalArgumentException("an mbuf pool needs at least 64 mbufs");
            if (dataRoom < DpdkAbi.PKTMBUF_HEADROOM + 64 || dataRoom > 0xffff) throw new IllegalArgumentException("mbuf data room must be 192..65535");
            if (rxDescriptors < 1 || rxDescriptors > 0xffff) throw new IllegalArgumentException("RX descriptors must be 1..65535");
        }
    }

    private final Config config;
    private final String deviceName;
    private final boolean hotPlugged;
    private final short port;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment pool;
    private final MemorySegment statsBuffer;
    private boolean started, promiscuousOn, closed;
    /** A kernel interface's promiscuous mode, held as libpcap holds it while the port is open (null: none asked, or not a kernel interface). */
    private dev.cellscope.nativetap.packet.PromiscuousHold promiscuousHold;
    /** For a net_af_packet device: its socket's kernel drop counter, which the driver does not report (null: none). */
    private KernelRingDrops kernelDrops;
    private DpdkStats last = DpdkStats.ZERO;

    private DpdkPort(Config config, String deviceName, boolean hotPlugged, short port, MemorySegment pool) {
        this.config = config;
        this.deviceName = deviceName;
        this.hotPlugged = hotPlugged;
        this.port = port;
        this.pool = pool;
        this.statsBuffer = arena.allocate(DpdkAbi.STATS_SIZE, 8);
    }

    /**
     * Hot-plugs the virtual device (if {@link Config#vdevArgs} is given), then sets the port up; the EAL must run.
     * What the drivers print meanwhile goes to DPDK's log ({@link Eal#intoLog}); a failure quotes the line that says why.
     */
    public static DpdkPort open(Config c) {
        if (Eal.runningWith() == null) throw new DpdkException(DpdkException.Kind.EAL, "DPDK's EAL is not running (Eal.init first)");
        try {
            return Eal.intoLog(() -> openHere(c));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new DpdkException(DpdkException.Kind.PORT, "DPDK port " + c.name() + ": " + t);
        }
    }

    private static DpdkPort openHere(Config c) {
        boolean hotPlug = c.vdevArgs() != null;
        String device = hotPlug ? c.name() + "_cs" + SERIAL.incrementAndGet() : c.name();
        java.util.Map<Long, Integer> socketsBefore = KernelRingDrops.sockets();
        if (hotPlug) vdevInit(device, c.vdevArgs());
        DpdkPort p = null;
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment id = tmp.allocate(ValueLayout.JAVA_SHORT);
            int rc = (int) DpdkLibrary.PORT_BY_NAME.invokeExact(tmp.allocateFrom(device), id);
            if (rc != 0) {
                String said = EalLog.about(EalLog.since(Eal.logFile(), 0), device);
                throw new DpdkException(DpdkException.Kind.DEVICE, "DPDK has no port " + device + (said != null
                        ? " (the EAL's log: " + said + ")"
                        : " (give the EAL the device with -a PCI-ADDRESS or --vdev, or name a kernel interface without raw EAL arguments)"));
            }
            short port = id.get(ValueLayout.JAVA_SHORT, 0);
            if (Short.toUnsignedInt(port) >= DpdkAbi.MAX_ETHPORTS) throw new DpdkException(DpdkException.Kind.PORT, "port id " + port + " beyond rte_eth_fp_ops");
            int socket = (int) DpdkLibrary.SOCKET_ID.invokeExact(port);
            long before = Eal.size(Eal.logFile());
            String poolName = "cs_pool_" + SERIAL.incrementAndGet();
            MemorySegment mp = afXdp(c) ? packedPool(tmp, poolName, c, socket)
                    : (MemorySegment) DpdkLibrary.POOL_CREATE.invokeExact(tmp.allocateFrom(poolName), c.mbufs(), 0, (short) 0, (short) c.dataRoom(), socket);
            if (mp.equals(MemorySegment.NULL)) {
                throw new DpdkException(DpdkException.Kind.PORT, "DPDK could not make a pool of " + c.mbufs() + " mbufs of " + c.dataRoom()
                        + " bytes (" + why(before, DpdkLibrary.rteErrno()) + "): give the EAL more memory (-m) or use fewer mbufs");
            }
            p = new DpdkPort(c, device, hotPlug, port, mp);
            String iface = afPacketInterface(c);
            if (iface != null) p.kernelDrops = KernelRingDrops.find(socketsBefore, iface);
            p.setUp(socket);
            synchronized (OPEN) {
                OPEN.add(p);
            }
            return p;
        } catch (DpdkException e) {
            if (p != null) p.close();
            else if (hotPlug) vdevUninit(device);
            throw e;
        } catch (Throwable t) {
            if (p != null) p.close();
            else if (hotPlug) vdevUninit(device);
            throw new DpdkException(DpdkException.Kind.PORT, "DPDK port " + device + ": " + t);
        }
    }

    /** A net_af_xdp device (hot-plugged, or a port the EAL's {@code --vdev} made): its pool must be {@link #packedPool packed}. */
    private static boolean afXdp(Config c) {
        return c.name().startsWith("net_af_xdp");
    }

    /**
     * An mbuf pool whose objects lie back to back in one memory chunk, as DPDK 22.11's AF_XDP driver
     * assumes: it registers as the socket's UMEM the pages from the pool's first chunk for
     * {@code populated_size} objects of {@code rte_mempool_calc_obj_size} bytes each, and gives the
     * kernel each mbuf's address within that area. {@code rte_pktmbuf_pool_create} without hugepages
     * (our EAL's {@code --no-huge}) keeps every object within one 4 KiB page, one 2,432-byte object a
     * page: the UMEM then covered only the first ~58% of the pool, the kernel rejected every fill-ring
     * address beyond it (counting it invalid and never returning it), and the capture stopped once the
     * pool ran dry of mbufs it could use. {@code RTE_MEMPOOL_F_NO_IOVA_CONTIG} lets objects cross pages
     * (AF_XDP copies through virtual addresses; no device DMAs into this pool), so the pool is packed;
     * the rest is {@code rte_pktmbuf_pool_create}'s own sequence, and a pool in more than one chunk is
     * refused here rather than left to stall.
     */
    private static MemorySegment packedPool(Arena tmp, String name, Config c, int socket) throws Throwable {
        long before = Eal.size(Eal.logFile());
        MemorySegment mp = (MemorySegment) DpdkLibrary.MEMPOOL_CREATE_EMPTY.invokeExact(tmp.allocateFrom(name), c.mbufs(),
                (int) DpdkAbi.MBUF_SIZE + c.dataRoom(), 0, (int) DpdkAbi.PKTMBUF_POOL_PRIVATE_SIZE, socket, DpdkAbi.MEMPOOL_F_NO_IOVA_CONTIG);
        if (mp.equals(MemorySegment.NULL)) return mp; // the caller says why
        try {
            MemorySegment ops = (MemorySegment) DpdkLibrary.MBUF_BEST_MEMPOOL_OPS.invokeExact();
            int rc = (int) DpdkLibrary.MEMPOOL_SET_OPS_BYNAME.invokeExact(mp, ops, MemorySegment.NULL);
            if (rc != 0) throw poolFailure(c, "rte_mempool_set_ops_byname", rc, before);
            MemorySegment priv = tmp.allocate(DpdkAbi.PKTMBUF_POOL_PRIVATE_SIZE, 4); // zeroed: no private area, no flags
            priv.set(ValueLayout.JAVA_SHORT, 0, (short) c.dataRoom());
            DpdkLibrary.PKTMBUF_POOL_INIT.invokeExact(mp, priv);
            rc = (int) DpdkLibrary.MEMPOOL_POPULATE_DEFAULT.invokeExact(mp);
            if (rc < 0) throw poolFailure(c, "rte_mempool_populate_default", rc, before);
            int chunks = (int) DpdkLibrary.MEMPOOL_MEM_ITER.invokeExact(mp, DpdkLibrary.NO_MEM_CB, MemorySegment.NULL);
            if (chunks != 1) {
                throw new DpdkException(DpdkException.Kind.PORT, "DPDK laid the AF_XDP pool of " + c.mbufs() + " mbufs out in " + chunks
                        + " memory chunks; the af_xdp driver can use only the first: give the EAL more memory (-m) or use fewer mbufs");
            }
            int ignored = (int) DpdkLibrary.MEMPOOL_OBJ_ITER.invokeExact(mp, DpdkLibrary.PKTMBUF_INIT, MemorySegment.NULL);
            return mp;
        } catch (Throwable t) {
            DpdkLibrary.MEMPOOL_FREE.invokeExact(mp);
            throw t;
        }
    }

    private static DpdkException poolFailure(Config c, String call, int rc, long logBefore) {
        return new DpdkException(DpdkException.Kind.PORT, "DPDK could not make a pool of " + c.mbufs() + " mbufs of " + c.dataRoom()
                + " bytes: " + call + " failed (" + why(logBefore, rc) + "): give the EAL more memory (-m) or use fewer mbufs");
    }

    /** The kernel interface of a hot-plugged net_af_packet device, else null. */
    private static String afPacketInterface(Config c) {
        return c.name().startsWith("net_af_packet") ? kernelInterface(c) : null;
    }

    /** The kernel interface under a hot-plugged device ({@code iface=} of net_af_packet or net_af_xdp), else null. */
    private static String kernelInterface(Config c) {
        if (c.vdevArgs() == null) return null;
        for (String a : c.vdevArgs().split(",")) if (a.startsWith("iface=")) return a.substring(6);
        return null;
    }

    private static void vdevInit(String device, String args) {
        long before = Eal.size(Eal.logFile());
        int rc;
        try (Arena tmp = Arena.ofConfined()) {
            rc = (int) DpdkLibrary.VDEV_INIT.invokeExact(tmp.allocateFrom(device), tmp.allocateFrom(args));
        } catch (Throwable t) {
            throw new DpdkException(DpdkException.Kind.DEVICE, "DPDK could not create " + device + ": " + t);
        }
        if (rc != 0) {
            throw new DpdkException(DpdkException.Kind.DEVICE, "DPDK could not create the virtual device " + device + "," + args
                    + " (" + why(before, -rc) + ")");
        }
    }

    private static void vdevUninit(String device) {
        try (Arena tmp = Arena.ofConfined()) {
            int ignored = (int) DpdkLibrary.VDEV_UNINIT.invokeExact(tmp.allocateFrom(device));
        } catch (Throwable t) {
            // closing: nothing more to do
        }
    }

    /** The log's line about a failure since {@code logBefore}, else DPDK's text for {@code code}. */
    private static String why(long logBefore, int code) {
        String said = EalLog.reason(EalLog.since(Eal.logFile(), logBefore));
        return said != null ? said : DpdkLibrary.strerror(Math.abs(code));
    }

    private void setUp(int socket) throws Throwable {
        long before = Eal.size(Eal.logFile());
        MemorySegment conf = arena.allocate(DpdkAbi.ETH_CONF_SIZE, 8); // zeroed: the PMD's defaults
        // one TX queue too, never used: drivers such as net_af_xdp want as many TX queues as RX queues
        int rc = (int) DpdkLibrary.DEV_CONFIGURE.invokeExact(port, (short) 1, (short) 1, conf);
        if (rc < 0) throw portFailure("rte_eth_dev_configure", rc, before);
        rc = (int) DpdkLibrary.RXQ_SETUP.invokeExact(port, (short) 0, (short) config.rxDescriptors(), socket, MemorySegment.NULL, pool);
        if (rc < 0) throw portFailure("rte_eth_rx_queue_setup", rc, before);
        rc = (int) DpdkLibrary.TXQ_SETUP.invokeExact(port, (short) 0, (short) 512, socket, MemorySegment.NULL);
        if (rc < 0) throw portFailure("rte_eth_tx_queue_setup", rc, before);
        String iface = kernelInterface(config);
        if (iface != null) keepTheInterfacesPromiscuousMode(iface, before);
        rc = (int) DpdkLibrary.STATS_RESET.invokeExact(port); // a NIC's counters start with the capture
        rc = (int) DpdkLibrary.DEV_START.invokeExact(port);
        if (rc < 0) throw portFailure("rte_eth_dev_start", rc, before);
        started = true;
        if (afPacketInterface(config) != null) discardWhatCameBeforeStart();
        if (config.promiscuous() && iface == null) {
            rc = (int) DpdkLibrary.PROMISC_ENABLE.invokeExact(port);
            if (rc < 0) throw portFailure("rte_eth_promiscuous_enable", rc, before);
            promiscuousOn = true;
        }
    }

    /**
     * A kernel interface's promiscuous mode is not DPDK's to set: its af_packet and af_xdp drivers set and clear
     * {@code IFF_PROMISC} itself (SIOCSIFFLAGS), which outlives a killed capture and, cleared at the end, takes the
     * flag an administrator had set. So DPDK is never asked for it: {@link Config#promiscuous} is a
     * {@link dev.cellscope.nativetap.packet.PromiscuousHold} (counted by the kernel, released when the process dies).
     * But {@code rte_eth_dev_start} replays the port's setting into the driver, and a port that is not promiscuous
     * has its interface's flag cleared: where the flag is set, the port is told it is promiscuous before it starts,
     * which changes nothing in the kernel and is never undone.
     */
    private void keepTheInterfacesPromiscuousMode(String iface, long logBefore) throws Throwable {
        if (dev.cellscope.nativetap.packet.PromiscuousHold.setOnTheInterface(iface)) {
            int rc = (int) DpdkLibrary.PROMISC_ENABLE.invokeExact(port);
            if (rc < 0) throw portFailure("rte_eth_promiscuous_enable", rc, logBefore);
        }
        if (config.promiscuous()) {
            try {
                promiscuousHold = dev.cellscope.nativetap.packet.PromiscuousHold.on(iface);
            } catch (RuntimeException e) {
                throw new DpdkException(DpdkException.Kind.PORT, "DPDK port " + deviceName + ": " + e.getMessage());
            }
        }
    }

    /** At most this many frames are discarded at start (a bound for a port that never falls quiet). */
    static final int START_DRAIN_MAX = 1 << 20;

    /**
     * Empties the RX queue right after start, discarding what it holds. DPDK 22.11's af_packet driver
     * opens its packet socket (ETH_P_ALL, every interface) and sets up and maps its ring before it
     * binds the socket to the interface, so frames of other interfaces that arrive in between land in
     * the ring and would be the first ones received. Frames of the interface itself in that moment go
     * with them: the capture starts when the port has started.
     */
    private void discardWhatCameBeforeStart() {
        RxBurst burst = newBurst(64);
        int discarded = 0;
        while (discarded < START_DRAIN_MAX) {
            int n = burst.receive();
            burst.free();
            if (n == 0) break;
            discarded += n;
        }
        try {
            int ignored = (int) DpdkLibrary.STATS_RESET.invokeExact(port); // the discarded frames are not the capture's
            if (kernelDrops != null) kernelDrops.restart(); // nor the kernel's drops of them (the ring was full of foreign frames)
        } catch (Throwable t) {
            throw new DpdkException(DpdkException.Kind.PORT, "DPDK port " + deviceName + ": rte_eth_stats_reset failed: " + t);
        }
    }

    private DpdkException portFailure(String call, int rc, long logBefore) {
        return new DpdkException(DpdkException.Kind.PORT, "DPDK port " + deviceName + ": " + call + " failed (" + why(logBefore, rc) + ")");
    }

    /** The port's name in DPDK (the hot-plugged device's, with its unique suffix). */
    public String deviceName() {
        return deviceName;
    }

    public int portId() {
        return Short.toUnsignedInt(port);
    }

    /** A burst buffer of {@code capacity} mbuf pointers for the receiving thread. */
    public RxBurst newBurst(int capacity) {
        if (capacity < 1 || capacity > 0xffff) throw new IllegalArgumentException("burst size must be 1..65535");
        MemorySegment ops = DpdkLibrary.FP_OPS.asSlice(Short.toUnsignedLong(port) * DpdkAbi.FP_OPS_SIZE, DpdkAbi.FP_OPS_SIZE);
        // as rte_eth_rx_burst does on each call; the entry is fixed between rte_eth_dev_start and stop
        MemorySegment burst = ops.get(ValueLayout.ADDRESS, DpdkAbi.FP_RX_PKT_BURST);
        MemorySegment queues = ops.get(ValueLayout.ADDRESS, DpdkAbi.FP_RXQ_DATA).reinterpret(ValueLayout.ADDRESS.byteSize());
        MemorySegment queue0 = queues.get(ValueLayout.ADDRESS, 0);
        if (burst.equals(MemorySegment.NULL) || queue0.equals(MemorySegment.NULL)) {
            throw new DpdkException(DpdkException.Kind.PORT, "DPDK port " + deviceName + " has no RX burst function or queue (not started?)");
        }
        return new RxBurst(burst, queue0, arena.allocate(ValueLayout.ADDRESS, capacity), capacity);
    }

    /**
     * Counters since open; any thread. The last ones after {@link #close()}. For a {@code net_af_packet}
     * device, {@link DpdkStats#missed()} adds the kernel ring's drops, which DPDK 22.11's driver leaves out.
     */
    public synchronized DpdkStats stats() {
        if (closed) return last;
        try {
            int rc = (int) DpdkLibrary.STATS_GET.invokeExact(port, statsBuffer);
            if (rc == 0) {
                last = new DpdkStats(statsBuffer.get(ValueLayout.JAVA_LONG, DpdkAbi.STATS_IPACKETS),
                        statsBuffer.get(ValueLayout.JAVA_LONG, DpdkAbi.STATS_IBYTES),
                        statsBuffer.get(ValueLayout.JAVA_LONG, DpdkAbi.STATS_IMISSED) + (kernelDrops == null ? 0 : kernelDrops.drops()),
                        statsBuffer.get(ValueLayout.JAVA_LONG, DpdkAbi.STATS_IERRORS),
                        statsBuffer.get(ValueLayout.JAVA_LONG, DpdkAbi.STATS_RX_NOMBUF));
            }
        } catch (Throwable t) {
            // keep the last counts
        }
        return last;
    }

    /**
     * Promiscuous mode off (if this port turned it on, or given back if held), stop, close, the hot-plugged device removed,
     * the pool freed. The receiving thread must have finished.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            stats();
            closed = true;
        }
        try {
            int ignored;
            if (promiscuousOn) ignored = (int) DpdkLibrary.PROMISC_DISABLE.invokeExact(port);
            if (started) ignored = (int) DpdkLibrary.DEV_STOP.invokeExact(port);
            ignored = (int) DpdkLibrary.DEV_CLOSE.invokeExact(port);
        } catch (Throwable t) {
            // closing: go on with the rest
        }
        if (hotPlugged) vdevUninit(deviceName);
        if (promiscuousHold != null) promiscuousHold.close();
        try {
            DpdkLibrary.MEMPOOL_FREE.invokeExact(pool);
        } catch (Throwable t) {
            // closing
        }
        arena.close();
        synchronized (OPEN) {
            OPEN.remove(this);
        }
    }

    /** At EAL cleanup (JVM exit): ports still open are closed first, so a kernel interface is not left promiscuous. */
    static void closeAll() {
        DpdkPort[] all;
        synchronized (OPEN) {
            all = OPEN.toArray(DpdkPort[]::new);
        }
        for (DpdkPort p : all) p.close();
    }

    /**
     * The receiving side: an array of mbuf pointers that {@link #receive} fills through the PMD's
     * burst function, read with {@link #length}/{@link #copy} and given back with {@link #free}.
     * One thread only.
     */
    public static final class RxBurst {
        private final MemorySegment function, queue, mbufs;
        private final int capacity;
        private int count;

        private RxBurst(MemorySegment function, MemorySegment queue, MemorySegment mbufs, int capacity) {
            this.function = function;
            this.queue = queue;
            this.mbufs = mbufs;
            this.capacity = capacity;
        }

        /** One burst: up to the capacity of frames the queue holds now (0: none; never waits). Free the last burst first. */
        public int receive() {
            if (count != 0) throw new IllegalStateException("free the last burst first");
            try {
                count = Short.toUnsignedInt((short) DpdkLibrary.RX_BURST.invokeExact(function, queue, mbufs, (short) capacity));
            } catch (Throwable t) {
                throw new DpdkException(DpdkException.Kind.PORT, "rx burst failed: " + t);
            }
            return count;
        }

        private MemorySegment mbuf(int i) {
            if (i < 0 || i >= count) throw new IndexOutOfBoundsException(i);
            return mbufs.getAtIndex(ValueLayout.ADDRESS, i).reinterpret(DpdkAbi.MBUF_SIZE);
        }

        /** Frame {@code i}'s length, all segments ({@code pkt_len}). */
        public int length(int i) {
            return mbuf(i).get(ValueLayout.JAVA_INT_UNALIGNED, DpdkAbi.MBUF_PKT_LEN);
        }

        /** Copies the first {@code dst.length} bytes of frame {@code i} (its data, segment after segment) into {@code dst}. */
        public void copy(int i, byte[] dst) {
            MemorySegment m = mbuf(i);
            int done = 0;
            while (done < dst.length && !m.equals(MemorySegment.NULL)) {
                m = m.reinterpret(DpdkAbi.MBUF_SIZE);
                int off = Short.toUnsignedInt(m.get(ValueLayout.JAVA_SHORT_UNALIGNED, DpdkAbi.MBUF_DATA_OFF));
                int len = Short.toUnsignedInt(m.get(ValueLayout.JAVA_SHORT_UNALIGNED, DpdkAbi.MBUF_DATA_LEN));
                MemorySegment buf = m.get(ValueLayout.ADDRESS, DpdkAbi.MBUF_BUF_ADDR).reinterpret(off + len);
                int n = Math.min(len, dst.length - done);
                MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, off, dst, done, n);
                done += n;
                m = m.get(ValueLayout.ADDRESS, DpdkAbi.MBUF_NEXT);
            }
        }

        /** Gives the burst's mbufs back to their pool ({@code rte_pktmbuf_free_bulk}: one call for all). */
        public void free() {
            if (count == 0) return;
            try {
                DpdkLibrary.FREE_BULK.invokeExact(mbufs, count);
            } catch (Throwable t) {
                throw new DpdkException(DpdkException.Kind.PORT, "mbuf free failed: " + t);
            } finally {
                count = 0;
            }
        }
    }
}
