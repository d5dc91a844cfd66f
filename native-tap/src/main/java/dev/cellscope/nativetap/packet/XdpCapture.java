package dev.cellscope.nativetap.packet;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static dev.cellscope.nativetap.packet.LinuxAbi.*;

/**
 * AF_XDP capture of a whole interface: one {@link XdpSocket} (with its own UMEM) per receive queue,
 * libxdp's default redirect program attached ({@link XdpProgram}) with each socket in its map at
 * its queue, and promiscuous mode held by an AF_PACKET socket that receives nothing (XDP itself
 * does not change what the NIC accepts). The caller reads each socket from a thread of its own.
 *
 * <p>Open order: the sockets first (no privilege shows as EPERM before anything is attached), then
 * the program, then the map entries. Close: the program is detached first (frames go to the stack
 * again), then the sockets close and their UMEMs are freed, then promiscuous mode ends. A failure
 * half-way undoes what was done.
 */
public final class XdpCapture implements AutoCloseable {

    /**
     * @param interfaceName the interface
     * @param queues        receive queues to read, from 0 (0: all the interface has; more than it has: refused)
     * @param frames        UMEM chunks (and RX/fill ring entries) per queue, a power of two >= 64
     * @param chunkSize     bytes per chunk, 2048 or 4096
     * @param promiscuous   hold the interface in promiscuous mode while open
     * @param mode          how the program runs; null: native where the driver can, generic otherwise
     * @param busyPoll      busy polling on each socket ({@link XdpSocket#busyPoll}, xdpsock's defaults)
     */
    public record Config(String interfaceName, int queues, int frames, int chunkSize, boolean promiscuous, XdpProgram.Mode mode,
                         boolean busyPoll) {
        public static Config of(String interfaceName) {
            return new Config(interfaceName, 0, 4096, 4096, true, null, false);
        }

        public Config withFrames(int n) {
            return new Config(interfaceName, queues, n, chunkSize, promiscuous, mode, busyPoll);
        }

        public Config withQueues(int n) {
            return new Config(interfaceName, n, frames, chunkSize, promiscuous, mode, busyPoll);
        }

        public Config withPromiscuous(boolean on) {
            return new Config(interfaceName, queues, frames, chunkSize, on, mode, busyPoll);
        }

        public Config withMode(XdpProgram.Mode m) {
            return new Config(interfaceName, queues, frames, chunkSize, promiscuous, m, busyPoll);
        }

        public Config withBusyPoll(boolean on) {
            return new Config(interfaceName, queues, frames, chunkSize, promiscuous, mode, on);
        }
    }

    private final Config config;
    private final List<XdpSocket> sockets;
    private final XdpProgram program;
    private final PromiscuousHold promiscuous; // null: -p
    private final int ifindex;
    private boolean closed;

    private XdpCapture(Config config, int ifindex, List<XdpSocket> sockets, XdpProgram program, PromiscuousHold promiscuous) {
        this.config = config;
        this.ifindex = ifindex;
        this.sockets = List.copyOf(sockets);
        this.program = program;
        this.promiscuous = promiscuous;
    }

    /**
     * @throws PacketSocketException no such interface (ENODEV; the message lists those there are), no
     *                               privilege (EPERM), libxdp missing, the program refused (its reason)
     */
    public static XdpCapture open(Config config) {
        String ifname = config.interfaceName();
        int ifindex;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment errno = Libc.newErrno(a);
            ifindex = Libc.ifNameToIndex(errno, a.allocateFrom(ifname));
            if (ifindex == 0) {
                int e = Libc.errno(errno);
                if (e == ENODEV || e == 6 /* ENXIO */) {
                    throw new PacketSocketException("no network interface '" + ifname + "' (there are: "
                            + String.join(", ", TpacketV3Ring.interfaceNames()) + ")", errnoName(e));
                }
                throw new PacketSocketException("cannot look up interface '" + ifname + "' (if_nametoindex: " + errnoName(e) + ")", errnoName(e));
            }
        }
        int has = rxQueues(ifname);
        int queues = config.queues() > 0 ? config.queues() : has;
        if (queues > has) {
            throw new PacketSocketException("'" + ifname + "' has " + has + (has == 1 ? " receive queue" : " receive queues") + ", not " + queues
                    + " (ethtool -l " + ifname + " shows them; a veth gets more with numrxqueues N at creation)", "EINVAL");
        }
        List<XdpSocket> sockets = new ArrayList<>();
        XdpProgram program = null;
        PromiscuousHold promiscuous = null;
        try {
            for (int q = 0; q < queues; q++) {
                XdpSocket s = XdpSocket.open(ifname, ifindex, q, config.frames(), config.chunkSize());
                sockets.add(s);
                if (config.busyPoll()) s.busyPoll(XdpSocket.BUSY_POLL_MICROS, XdpSocket.BUSY_POLL_BUDGET);
            }
            program = XdpProgram.attach(ifname, ifindex, queues, config.mode());
            for (XdpSocket s : sockets) program.register(s.queue(), s.fd());
            if (config.promiscuous()) promiscuous = PromiscuousHold.on(ifname, ifindex);
            return new XdpCapture(config, ifindex, sockets, program, promiscuous);
        } catch (RuntimeException | Error e) {
            if (program != null) program.close();
            for (XdpSocket s : sockets) s.close();
            if (promiscuous != null) promiscuous.close();
            throw e;
        }
    }

    /** Why AF_XDP cannot be used here (libxdp or libbpf missing: names the Debian package), or null. */
    public static String unavailableReason() {
        String missing = XdpLibrary.unavailableReason();
        return missing == null ? null : "AF_XDP needs libxdp: " + missing;
    }

    /** The receive queues in /sys/class/net/IF/queues (rx-0, rx-1…); 1 when it cannot be read. */
    public static int rxQueues(String ifname) {
        try (Stream<Path> s = Files.list(Path.of("/sys/class/net", ifname, "queues"))) {
            return (int) Math.max(1, s.filter(p -> p.getFileName().toString().startsWith("rx-")).count());
        } catch (IOException | RuntimeException e) {
            return 1;
        }
    }

    public List<XdpSocket> sockets() {
        return sockets;
    }

    public XdpProgram program() {
        return program;
    }

    public Config config() {
        return config;
    }

    /** The interface's index (what a filter's {@code ifindex} load gives). */
    public int ifindex() {
        return ifindex;
    }

    /** Whether every socket runs zero-copy (false: at least one copies). */
    public boolean zeroCopy() {
        return sockets.stream().allMatch(XdpSocket::zeroCopy);
    }

    /** The counters of all sockets added up. Any thread. */
    public XdpSocket.Stats stats() {
        long dropped = 0, invalid = 0, full = 0, empty = 0;
        for (XdpSocket s : sockets) {
            XdpSocket.Stats st;
            try {
                st = s.stats();
            } catch (PacketSocketException e) {
                continue;
            }
            dropped += st.rxDropped();
            invalid += st.rxInvalidDescs();
            full += st.rxRingFull();
            empty += st.rxFillRingEmptyDescs();
        }
        return new XdpSocket.Stats(dropped, invalid, full, empty);
    }

    /** "XDP native, copy mode, 1 queue, busy poll off" and the like, for a start-up line. */
    public String describe() {
        long zc = sockets.stream().filter(XdpSocket::zeroCopy).count();
        String copy = zc == sockets.size() ? "zero-copy" : zc == 0 ? "copy mode" : zc + " of " + sockets.size() + " queues zero-copy";
        boolean busy = sockets.stream().allMatch(XdpSocket::busyPolling);
        return "XDP " + program.mode() + ", " + copy + ", " + sockets.size() + (sockets.size() == 1 ? " queue" : " queues")
                + ", busy poll " + (busy ? "on" : "off");
    }

    /** Detaches the program, closes the sockets (freeing the UMEMs), ends promiscuous mode. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        for (XdpSocket s : sockets) s.wakeup();
        try {
            program.close();
        } finally {
            for (XdpSocket s : sockets) s.close();
            if (promiscuous != null) promiscuous.close();
        }
    }
}
