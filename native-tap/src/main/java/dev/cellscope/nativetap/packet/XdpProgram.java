package dev.cellscope.nativetap.packet;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * libxdp's default AF_XDP program ({@code xsk_def_xdp_prog.o}: {@code bpf_redirect_map(&xsks_map,
 * rx_queue_index, XDP_PASS)}) attached to one interface: every frame of a queue that has a socket
 * in {@code xsks_map} goes to that socket, the others pass to the stack as before. Our own
 * instance of the program: {@link #close()} detaches exactly it (through libxdp's dispatcher
 * when bpffs is mounted, so other XDP programs on the interface stay; otherwise it is the
 * interface's only program) and nothing else.
 *
 * <p>Attach modes: native (the driver runs it; veth does) first, generic ({@code SKB}) when the
 * driver refuses; {@link #mode()} says which. The program is marked as frags-aware
 * ({@code BPF_F_XDP_HAS_FRAGS}): it only redirects, so it is safe on multi-buffer frames, and a
 * driver then accepts it on an interface whose MTU is above a page (a jumbo-frame veth refuses a
 * program that is not).
 *
 * <p>Every exit path detaches: {@link #close()}, and a JVM shutdown hook for programs still
 * attached when the JVM ends (SIGTERM, SIGINT, {@code System.exit}). Only SIGKILL leaves the
 * program behind; it then passes every frame to the stack (its sockets are gone with the process),
 * and {@code xdp-loader unload IF --all} removes it.
 */
public final class XdpProgram implements AutoCloseable {
    /** The object file libxdp ships (Debian libxdp1: /usr/lib/x86_64-linux-gnu/bpf/) and finds on its own search path. */
    static final String DEFAULT_PROGRAM = "xsk_def_xdp_prog.o";

    /** How the program runs. */
    public enum Mode {
        /** in the driver, before any sk_buff exists (fast; veth and most NIC drivers) */
        NATIVE(XdpAbi.XDP_MODE_NATIVE, "native"),
        /** generic XDP, after the sk_buff is built (any interface; slower, copy mode only) */
        SKB(XdpAbi.XDP_MODE_SKB, "generic (skb)");

        final int libxdp;
        final String text;

        Mode(int libxdp, String text) {
            this.libxdp = libxdp;
            this.text = text;
        }

        @Override
        public String toString() {
            return text;
        }
    }

    private static final Set<XdpProgram> ATTACHED = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(XdpProgram::detachAll, "xdp program detach"));
    }

    private final String ifname;
    private final int ifindex;
    private final MemorySegment program;
    private final int mapFd;
    private final Mode mode;
    private boolean closed; // guarded by this

    private XdpProgram(String ifname, int ifindex, MemorySegment program, int mapFd, Mode mode) {
        this.ifname = ifname;
        this.ifindex = ifindex;
        this.program = program;
        this.mapFd = mapFd;
        this.mode = mode;
    }

    /**
     * Loads the default program with room for {@code queues} sockets and attaches it to the
     * interface in {@code mode} (null: native, else generic).
     *
     * @throws PacketSocketException libxdp/libbpf missing, the program file missing, or the kernel
     *                               refusing the attach (the message names libxdp's reason and errno)
     */
    public static XdpProgram attach(String ifname, int ifindex, int queues, Mode mode) {
        String missing = XdpLibrary.unavailableReason();
        if (missing != null) throw new PacketSocketException("AF_XDP needs libxdp: " + missing, null);
        if (mode != null) return attachIn(ifname, ifindex, queues, mode);
        try {
            return attachIn(ifname, ifindex, queues, Mode.NATIVE);
        } catch (PacketSocketException nativeRefused) {
            if ("EPERM".equals(nativeRefused.errnoName()) || "EEXIST".equals(nativeRefused.errnoName())
                    || "EBUSY".equals(nativeRefused.errnoName())) {
                throw nativeRefused; // no privilege, or another program there: generic mode would be refused alike
            }
            try {
                return attachIn(ifname, ifindex, queues, Mode.SKB);
            } catch (PacketSocketException skbRefused) {
                throw new PacketSocketException(skbRefused.getMessage() + "; native mode: " + nativeRefused.getMessage(), skbRefused.errnoName());
            }
        }
    }

    private static XdpProgram attachIn(String ifname, int ifindex, int queues, Mode mode) {
        MemorySegment prog = MemorySegment.NULL;
        try (Arena a = Arena.ofConfined()) {
            prog = (MemorySegment) XdpLibrary.FIND_FILE.invokeExact(a.allocateFrom(DEFAULT_PROGRAM), MemorySegment.NULL, MemorySegment.NULL);
            long err = (long) XdpLibrary.GET_ERROR.invokeExact(prog);
            if (err != 0 || prog.equals(MemorySegment.NULL)) {
                prog = MemorySegment.NULL;
                throw failure("cannot open libxdp's AF_XDP program " + DEFAULT_PROGRAM + " (Debian package libxdp1)", (int) err);
            }
            int r = (int) XdpLibrary.SET_FRAGS.invokeExact(prog, true);
            if (r != 0) throw failure("cannot mark the XDP program frags-aware", r);
            MemorySegment obj = (MemorySegment) XdpLibrary.BPF_OBJ.invokeExact(prog);
            MemorySegment map = (MemorySegment) XdpLibrary.FIND_MAP.invokeExact(obj, a.allocateFrom("xsks_map"));
            if (map.equals(MemorySegment.NULL)) throw new PacketSocketException(DEFAULT_PROGRAM + " has no xsks_map (an unexpected libxdp version)", null);
            r = (int) XdpLibrary.SET_MAX_ENTRIES.invokeExact(map, Math.max(1, queues));
            if (r != 0) throw failure("cannot size the program's socket map for " + queues + " queues", r);
            r = (int) XdpLibrary.ATTACH.invokeExact(prog, ifindex, mode.libxdp, 0);
            if (r != 0) throw attachFailure(ifname, mode, r);
            int mapFd = (int) XdpLibrary.MAP_FD.invokeExact(map);
            XdpProgram p = new XdpProgram(ifname, ifindex, prog, mapFd, mode);
            prog = MemorySegment.NULL; // p owns it now
            ATTACHED.add(p);
            return p;
        } catch (PacketSocketException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("libxdp downcall failed: " + t, t);
        } finally {
            if (!prog.equals(MemorySegment.NULL)) closeProgram(prog);
        }
    }

    private static PacketSocketException attachFailure(String ifname, Mode mode, int err) {
        String errno = LinuxAbi.errnoName(-err);
        String why = switch (errno) {
            case "EPERM", "EACCES" -> "attaching an XDP program to '" + ifname + "' needs CAP_NET_ADMIN and CAP_BPF (or CAP_SYS_ADMIN): run as root";
            case "EEXIST", "EBUSY" -> "'" + ifname + "' already has an XDP program that libxdp cannot share (remove it: xdp-loader unload "
                    + ifname + " --all; Debian package xdp-tools)";
            default -> "the kernel refused to attach the XDP program to '" + ifname + "' in " + mode + " mode";
        };
        return new PacketSocketException(why + " (xdp_program__attach: " + errno + ", " + XdpLibrary.strerror(err) + ")", errno);
    }

    private static PacketSocketException failure(String what, int err) {
        String errno = err < 0 && err > -4096 ? LinuxAbi.errnoName(-err) : null;
        return new PacketSocketException(what + " (" + XdpLibrary.strerror(err) + ")", errno);
    }

    /** Puts socket {@code socketFd} into the program's map at {@code queue}: frames of that queue go to it. */
    void register(int queue, int socketFd) {
        try (Arena a = Arena.ofConfined()) {
            int r = (int) XdpLibrary.MAP_UPDATE.invokeExact(mapFd, a.allocateFrom(ValueLayout.JAVA_INT, queue),
                    a.allocateFrom(ValueLayout.JAVA_INT, socketFd), 0L);
            if (r != 0) {
                throw new PacketSocketException("cannot put the AF_XDP socket of queue " + queue + " of '" + ifname
                        + "' into the program's map (bpf_map_update_elem: " + LinuxAbi.errnoName(-r) + ")", LinuxAbi.errnoName(-r));
            }
        } catch (PacketSocketException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("libbpf downcall failed: " + t, t);
        }
    }

    public Mode mode() {
        return mode;
    }

    public String interfaceName() {
        return ifname;
    }

    /** The kernel's id of the loaded program ({@code ip link} and {@code bpftool} show it). */
    public int programId() {
        try {
            return (int) XdpLibrary.PROGRAM_ID.invokeExact(program);
        } catch (Throwable t) {
            return 0;
        }
    }

    /** Detaches the program from the interface and frees it. Idempotent; errors are returned, not thrown (this runs on exit paths). */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        ATTACHED.remove(this);
        try {
            int r = (int) XdpLibrary.DETACH.invokeExact(program, ifindex, mode.libxdp, 0);
            if (r != 0 && r != -19 && r != -2) { // ENODEV, ENOENT: the interface went away and the program with it (or it was removed already)
                System.err.println("cellscope: could not detach the XDP program from " + ifname + " (" + XdpLibrary.strerror(r)
                        + "): xdp-loader unload " + ifname + " --all removes it");
            }
        } catch (Throwable t) {
            System.err.println("cellscope: could not detach the XDP program from " + ifname + ": " + t);
        } finally {
            closeProgram(program);
        }
    }

    private static void closeProgram(MemorySegment prog) {
        try {
            XdpLibrary.CLOSE.invokeExact(prog);
        } catch (Throwable t) {
            // nothing more to free
        }
    }

    /** The shutdown hook: whatever is still attached when the JVM ends. */
    static void detachAll() {
        List<XdpProgram> left;
        synchronized (ATTACHED) {
            left = List.copyOf(ATTACHED);
        }
        for (XdpProgram p : left) p.close();
    }
}
