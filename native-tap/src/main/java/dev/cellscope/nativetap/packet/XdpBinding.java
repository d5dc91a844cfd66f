package dev.cellscope.nativetap.packet;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.util.List;

import static dev.cellscope.nativetap.packet.LinuxAbi.*;
import static dev.cellscope.nativetap.packet.XdpAbi.*;

/**
 * The set-up shared by AF_XDP receive ({@link XdpSocket}) and transmit ({@link XdpTransmitter}):
 * a socket, its UMEM registered, the rings it asks for sized and mapped, bound to one queue. Which
 * rings exist is the {@link Rings} given: RX + fill for receiving, TX + completion for sending, or
 * all four. The kernel wants a fill and a completion ring on every UMEM, so a ring the direction
 * does not use is sized (small) but not mapped.
 *
 * <p>{@link #open} tries each set of bind flags in turn ({@code XDP_ZEROCOPY} then {@code XDP_COPY},
 * say) with a fresh socket, and retries a queue that is busy for a moment (EBUSY). The result's
 * {@link #zeroCopy} is what the kernel chose ({@code XDP_OPTIONS}), not what was asked.
 *
 * @param fd       the bound socket
 * @param rings    the arena of the ring mappings (closing it unmaps them; close {@code fd} first)
 * @param rx       the RX ring, or null; likewise {@code fill}, {@code tx}, {@code completion}
 * @param offsets  {@code XDP_MMAP_OFFSETS} (struct xdp_mmap_offsets)
 * @param flags    the bind flags that worked
 * @param refused  the errors of the flag sets tried before (for saying why zero-copy is not active)
 */
record XdpBinding(int fd, Arena rings, MemorySegment rx, MemorySegment fill, MemorySegment tx, MemorySegment completion,
                  MemorySegment offsets, int flags, boolean zeroCopy, List<String> refused) {

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();

    /** Ring sizes (entries, powers of two; 0: no such ring) and how many chunks go on the fill ring before bind. */
    record Rings(int rx, int fill, int tx, int completion, int preFill) {
    }

    /** How long a bind refused with EBUSY is tried again, and how often (see {@link #bindRetryingABusyQueue}). */
    static final long BUSY_RETRY_MILLIS = 2_000, BUSY_RETRY_STEP_MILLIS = 50;

    /**
     * A socket bound to {@code queue} of the interface with the first of {@code flagSets} the kernel
     * accepts. A flag set refused with another error than EBUSY, EPERM or ENODEV falls through to the
     * next; the last one's error is thrown.
     *
     * @param doing what the socket is for, in messages ("capturing on", "sending on")
     */
    static XdpBinding open(String doing, String ifname, int ifindex, int queue, MemorySegment umem, int chunkSize, Rings sizes, int... flagSets) {
        List<String> refused = new java.util.ArrayList<>();
        for (int i = 0; ; i++) {
            try {
                XdpBinding b = bindRetryingABusyQueue(doing, ifname, ifindex, queue, umem, chunkSize, sizes, flagSets[i]);
                return new XdpBinding(b.fd, b.rings, b.rx, b.fill, b.tx, b.completion, b.offsets, b.flags, b.zeroCopy, List.copyOf(refused));
            } catch (PacketSocketException e) {
                String errno = e.errnoName();
                boolean last = i == flagSets.length - 1;
                if (last || "EBUSY".equals(errno) || "EPERM".equals(errno) || "EACCES".equals(errno) || "ENODEV".equals(errno)
                        || "EAFNOSUPPORT".equals(errno)) {
                    throw e;
                }
                refused.add(e.getMessage());
            }
        }
    }

    /**
     * Binds; a bind refused with EBUSY is tried again (with a new socket) every
     * {@value #BUSY_RETRY_STEP_MILLIS} ms for up to {@value #BUSY_RETRY_MILLIS} ms. The kernel lets go of a
     * closed XDP socket's queue in deferred work (the socket's UMEM and queue binding are released
     * after an RCU grace period), so a socket opened right after another closed on the same queue can
     * find it busy for a moment. CI saw this: a capture opened just after the previous test's closed
     * failed with EBUSY. A queue that stays busy (another process's socket) still fails, 2 s later.
     */
    private static XdpBinding bindRetryingABusyQueue(String doing, String ifname, int ifindex, int queue, MemorySegment umem, int chunkSize,
                                                     Rings sizes, int flags) {
        long deadline = System.nanoTime() + BUSY_RETRY_MILLIS * 1_000_000L;
        while (true) {
            try {
                return bind(doing, ifname, ifindex, queue, umem, chunkSize, sizes, flags);
            } catch (PacketSocketException e) {
                if (!"EBUSY".equals(e.errnoName()) || System.nanoTime() - deadline > 0) throw e;
                try {
                    Thread.sleep(BUSY_RETRY_STEP_MILLIS);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static XdpBinding bind(String doing, String ifname, int ifindex, int queue, MemorySegment umem, int chunkSize, Rings sizes, int flags) {
        long frames = umem.byteSize() / chunkSize;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment errno = Libc.newErrno(a);
            int fd = Libc.socket(errno, AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
            if (fd < 0) {
                int e = Libc.errno(errno);
                if (e == EPERM || e == EACCES) {
                    throw failure(doing + " '" + ifname + "' with AF_XDP needs CAP_NET_RAW: run as root or grant cap_net_raw", "socket", e);
                }
                if (e == 97 /* EAFNOSUPPORT */) throw failure("this kernel has no AF_XDP (CONFIG_XDP_SOCKETS)", "socket", e);
                throw failure("cannot create an AF_XDP socket", "socket", e);
            }
            Arena rings = Arena.ofShared();
            try {
                MemorySegment reg = a.allocate(UMEM_REG_SIZE, 8);
                reg.set(ValueLayout.JAVA_LONG, UMEM_REG_ADDR, umem.address());
                reg.set(ValueLayout.JAVA_LONG, UMEM_REG_LEN, umem.byteSize());
                reg.set(ValueLayout.JAVA_INT, UMEM_REG_CHUNK_SIZE, chunkSize);
                reg.set(ValueLayout.JAVA_INT, UMEM_REG_HEADROOM, 0);
                reg.set(ValueLayout.JAVA_INT, UMEM_REG_FLAGS, 0);
                if (Libc.setsockopt(errno, fd, SOL_XDP, XDP_UMEM_REG, reg, (int) UMEM_REG_SIZE) < 0) {
                    int e = Libc.errno(errno);
                    String fix = e == ENOMEM || e == ENOBUFS || e == EPERM ? ": lower -B, or raise the locked-memory limit (ulimit -l)" : "";
                    throw failure("cannot register a UMEM of " + frames + " chunks of " + chunkSize + " bytes for '" + ifname + "'" + fix,
                            "setsockopt XDP_UMEM_REG", e);
                }
                setRingSize(a, errno, fd, XDP_UMEM_FILL_RING, sizes.fill(), "XDP_UMEM_FILL_RING");
                setRingSize(a, errno, fd, XDP_UMEM_COMPLETION_RING, sizes.completion(), "XDP_UMEM_COMPLETION_RING");
                if (sizes.rx() > 0) setRingSize(a, errno, fd, XDP_RX_RING, sizes.rx(), "XDP_RX_RING");
                if (sizes.tx() > 0) setRingSize(a, errno, fd, XDP_TX_RING, sizes.tx(), "XDP_TX_RING");
                MemorySegment off = a.allocate(MMAP_OFFSETS_SIZE, 8);
                MemorySegment len = a.allocateFrom(ValueLayout.JAVA_INT, (int) MMAP_OFFSETS_SIZE);
                if (Libc.getsockopt(errno, fd, SOL_XDP, XDP_MMAP_OFFSETS, off, len) < 0) {
                    throw failure("cannot read the AF_XDP ring offsets", "getsockopt XDP_MMAP_OFFSETS", Libc.errno(errno));
                }
                MemorySegment offsets = Arena.ofAuto().allocate(MMAP_OFFSETS_SIZE, 8).copyFrom(off);
                MemorySegment rx = null, fill = null, tx = null, comp = null;
                if (sizes.rx() > 0) {
                    rx = map(errno, fd, descEnd(off, OFF_RX) + sizes.rx() * DESC_SIZE, XDP_PGOFF_RX_RING, rings, "RX");
                    fill = map(errno, fd, descEnd(off, OFF_FR) + sizes.fill() * 8L, XDP_UMEM_PGOFF_FILL_RING, rings, "fill");
                }
                if (sizes.tx() > 0) {
                    tx = map(errno, fd, descEnd(off, OFF_TX) + sizes.tx() * DESC_SIZE, XDP_PGOFF_TX_RING, rings, "TX");
                    comp = map(errno, fd, descEnd(off, OFF_CR) + sizes.completion() * 8L, XDP_UMEM_PGOFF_COMPLETION_RING, rings, "completion");
                }
                if (sizes.preFill() > 0) {
                    // chunks on the fill ring before bind: the kernel has somewhere to put the first frames
                    long fDesc = descEnd(off, OFF_FR), fProd = off.get(ValueLayout.JAVA_LONG, OFF_FR + RING_PRODUCER);
                    int start = (int) INT.getAcquire(fill, fProd);
                    for (int i = 0; i < sizes.preFill(); i++) {
                        fill.set(ValueLayout.JAVA_LONG, fDesc + (long) ((start + i) & (sizes.fill() - 1)) * 8, (long) i * chunkSize);
                    }
                    INT.setRelease(fill, fProd, start + sizes.preFill());
                }

                MemorySegment sxdp = a.allocate(SOCKADDR_XDP_SIZE, 4);
                sxdp.set(ValueLayout.JAVA_SHORT, SXDP_FAMILY, (short) AF_XDP);
                sxdp.set(ValueLayout.JAVA_SHORT, SXDP_FLAGS, (short) flags);
                sxdp.set(ValueLayout.JAVA_INT, SXDP_IFINDEX, ifindex);
                sxdp.set(ValueLayout.JAVA_INT, SXDP_QUEUE_ID, queue);
                sxdp.set(ValueLayout.JAVA_INT, SXDP_SHARED_UMEM_FD, 0);
                if (Libc.bind(errno, fd, sxdp, (int) SOCKADDR_XDP_SIZE) < 0) {
                    int e = Libc.errno(errno);
                    if (e == ENODEV) throw failure("no network interface '" + ifname + "' (it went away)", "bind", e);
                    if ((flags & XDP_ZEROCOPY) != 0 && (e == EINVAL || e == 95 /* EOPNOTSUPP */)) {
                        throw failure("'" + ifname + "' has no AF_XDP zero-copy support in its driver", "bind", e);
                    }
                    if (e == EINVAL) throw failure("'" + ifname + "' has no queue " + queue + " (or refused these AF_XDP options)", "bind", e);
                    if (e == 16 /* EBUSY */) throw failure("queue " + queue + " of '" + ifname + "' already has an AF_XDP socket", "bind", e);
                    throw failure("cannot bind an AF_XDP socket to queue " + queue + " of '" + ifname + "'", "bind", e);
                }
                MemorySegment opts = a.allocate(ValueLayout.JAVA_INT);
                len.set(ValueLayout.JAVA_INT, 0, 4);
                boolean zc = Libc.getsockopt(errno, fd, SOL_XDP, XDP_OPTIONS, opts, len) == 0
                        && (opts.get(ValueLayout.JAVA_INT, 0) & XDP_OPTIONS_ZEROCOPY) != 0;
                return new XdpBinding(fd, rings, rx, fill, tx, comp, offsets, flags, zc, List.of());
            } catch (RuntimeException | Error t) {
                Libc.close(errno, fd); // first: the kernel lets go of the rings and the UMEM
                rings.close(); // munmap
                throw t;
            }
        }
    }

    private static long descEnd(MemorySegment off, long ring) {
        return off.get(ValueLayout.JAVA_LONG, ring + RING_DESC);
    }

    /** An offset of {@code ring} (OFF_RX…) + {@code field} (RING_PRODUCER…) from the socket's offsets. */
    long offset(long ring, long field) {
        return offsets.get(ValueLayout.JAVA_LONG, ring + field);
    }

    private static void setRingSize(Arena a, MemorySegment errno, int fd, int option, int size, String name) {
        if (Libc.setsockopt(errno, fd, SOL_XDP, option, a.allocateFrom(ValueLayout.JAVA_INT, size), 4) < 0) {
            throw failure("cannot size the AF_XDP " + name + " to " + size, "setsockopt " + name, Libc.errno(errno));
        }
    }

    @SuppressWarnings("restricted") // the ring's mapping becomes a segment of the rings' arena, unmapped when it closes
    private static MemorySegment map(MemorySegment errno, int fd, long size, long pgoff, Arena rings, String ring) {
        MemorySegment at = Libc.mmap(errno, MemorySegment.NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | 0x8000 /* MAP_POPULATE */, fd, pgoff);
        if (at.address() == -1L) throw failure("cannot map the AF_XDP " + ring + " ring", "mmap", Libc.errno(errno));
        return at.reinterpret(size, rings, s -> {
            try (Arena a = Arena.ofConfined()) {
                Libc.munmap(Libc.newErrno(a), s, size);
            }
        });
    }

    static PacketSocketException failure(String what, String call, int errno) {
        return new PacketSocketException(what + " (" + call + ": " + errnoName(errno) + ")", errnoName(errno));
    }
}
