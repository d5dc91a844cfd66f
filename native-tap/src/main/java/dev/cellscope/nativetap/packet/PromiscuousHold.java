package dev.cellscope.nativetap.packet;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static dev.cellscope.nativetap.packet.LinuxAbi.*;

/**
 * Promiscuous mode held as libpcap holds it: the {@code PACKET_MR_PROMISC} membership of an
 * AF_PACKET socket of protocol 0 (it receives nothing). The kernel counts such memberships and
 * drops this one when the socket closes, on {@link #close()} and when the process dies (SIGKILL
 * too), so the interface ends as it was: promiscuous while an administrator's flag or another
 * capture holds it, else not. Setting {@code IFF_PROMISC} with {@code SIOCSIFFLAGS} instead, as
 * DPDK's af_packet and af_xdp drivers do, is not counted: it outlives a killed process and clears
 * the flag an administrator had set when the capture ends.
 */
public final class PromiscuousHold implements AutoCloseable {
    private static final long SIOCGIFFLAGS = 0x8913; // linux/sockios.h
    private static final int IFF_PROMISC = 0x100; // linux/if.h
    private static final int AF_INET = 2, SOCK_DGRAM = 2;
    private static final int IFREQ_SIZE = 40, IFNAMSIZ = 16;

    private final int fd;
    private boolean closed;

    private PromiscuousHold(int fd) {
        this.fd = fd;
    }

    /** Takes a membership on interface {@code ifname} (its index {@code ifindex}); needs CAP_NET_RAW. */
    public static PromiscuousHold on(String ifname, int ifindex) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment errno = Libc.newErrno(a);
            int fd = Libc.socket(errno, AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
            if (fd < 0) throw new PacketSocketException("cannot put '" + ifname + "' into promiscuous mode (socket: " + errnoName(Libc.errno(errno)) + ")",
                    errnoName(Libc.errno(errno)));
            MemorySegment mreq = a.allocate(PACKET_MREQ_SIZE, 4);
            mreq.set(ValueLayout.JAVA_INT, 0, ifindex);
            mreq.set(ValueLayout.JAVA_SHORT, 4, (short) PACKET_MR_PROMISC);
            if (Libc.setsockopt(errno, fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, mreq, (int) PACKET_MREQ_SIZE) < 0) {
                int e = Libc.errno(errno);
                Libc.close(errno, fd);
                throw new PacketSocketException("cannot put '" + ifname + "' into promiscuous mode (setsockopt PACKET_ADD_MEMBERSHIP: "
                        + errnoName(e) + ")", errnoName(e));
            }
            return new PromiscuousHold(fd);
        }
    }

    /** {@link #on(String, int)}, the index looked up; a name the kernel does not know fails as the membership would. */
    public static PromiscuousHold on(String ifname) {
        return on(ifname, ifindex(ifname));
    }

    /**
     * Whether the interface's own {@code IFF_PROMISC} is set, as {@code ip link set IF promisc on} sets it and
     * {@code SIOCGIFFLAGS} reports it: the memberships of capturing sockets are not in it (they count apart). False
     * when it cannot be read.
     */
    public static boolean setOnTheInterface(String ifname) {
        if (ifname.isEmpty() || ifname.length() >= IFNAMSIZ) return false;
        try (Arena a = Arena.ofConfined()) {
            MemorySegment errno = Libc.newErrno(a);
            int fd = Libc.socket(errno, AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            if (fd < 0) return false;
            try {
                MemorySegment ifr = a.allocate(IFREQ_SIZE, 8);
                MemorySegment.copy(a.allocateFrom(ifname), 0, ifr, 0, ifname.length());
                if (Libc.ioctl(errno, fd, SIOCGIFFLAGS, ifr) < 0) return false;
                return (ifr.get(ValueLayout.JAVA_SHORT, IFNAMSIZ) & IFF_PROMISC) != 0;
            } finally {
                Libc.close(errno, fd);
            }
        }
    }

    private static int ifindex(String ifname) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment errno = Libc.newErrno(a);
            int i = Libc.ifNameToIndex(errno, a.allocateFrom(ifname));
            if (i == 0) {
                int e = Libc.errno(errno);
                throw new PacketSocketException("cannot put '" + ifname + "' into promiscuous mode (if_nametoindex: " + errnoName(e) + ")", errnoName(e));
            }
            return i;
        }
    }

    /** Gives the membership back (the kernel ends promiscuous mode unless something else holds it). Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try (Arena a = Arena.ofConfined()) {
            Libc.close(Libc.newErrno(a), fd);
        }
    }
}
