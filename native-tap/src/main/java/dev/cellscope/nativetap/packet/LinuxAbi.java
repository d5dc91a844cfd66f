package dev.cellscope.nativetap.packet;

import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The parts of the Linux x86-64 ABI that {@link PacketSocket} uses, transcribed from this
 * machine's headers (named beside each value) so the numbers can be checked against them;
 * {@code SockaddrLlLayoutTest} compiles a C program to do exactly that for {@code sockaddr_ll}.
 */
final class LinuxAbi {
    private LinuxAbi() {
    }

    // bits/socket.h, bits/socket_type.h
    static final int AF_PACKET = 17;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = 02000000;
    static final int SOL_SOCKET = 1;
    static final int SOL_PACKET = 263;
    static final int MSG_DONTWAIT = 0x40;
    static final int MSG_TRUNC = 0x20;
    // asm-generic/socket.h: the FORCE variants pass net.core.[rw]mem_max with CAP_NET_ADMIN
    static final int SO_SNDBUF = 7;
    static final int SO_RCVBUF = 8;
    static final int SO_SNDBUFFORCE = 32;
    static final int SO_RCVBUFFORCE = 33;
    // linux/if_packet.h: sll_pkttype values and socket options
    static final int PACKET_HOST = 0;
    static final int PACKET_BROADCAST = 1;
    static final int PACKET_MULTICAST = 2;
    static final int PACKET_OTHERHOST = 3;
    static final int PACKET_OUTGOING = 4;
    static final int PACKET_IGNORE_OUTGOING = 23;
    // linux/sockios.h, linux/if_arp.h, net/if.h
    static final long SIOCGIFHWADDR = 0x8927;
    static final int ARPHRD_ETHER = 1;
    static final int ARPHRD_LOOPBACK = 772;
    static final int IFNAMSIZ = 16;
    // bits/poll.h, bits/eventfd.h
    static final short POLLIN = 0x001;
    static final short POLLERR = 0x008;
    static final int EFD_CLOEXEC = 02000000;
    static final int EFD_NONBLOCK = 04000;
    // asm-generic/errno*.h
    static final int EPERM = 1;
    static final int EINTR = 4;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int ENODEV = 19;
    static final int ENOBUFS = 105;

    /** Ethernet: 14-byte header, frames of at least 60 bytes before the FCS, so payloads of at least 46. */
    static final int ETH_HEADER = 14;
    static final int ETH_MIN_PAYLOAD = 46;

    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

    /** {@code struct sockaddr_ll} (linux/if_packet.h): 20 bytes, sll_protocol in network byte order. */
    static final StructLayout SOCKADDR_LL = MemoryLayout.structLayout(
            ValueLayout.JAVA_SHORT.withName("sll_family"),
            BE16.withName("sll_protocol"),
            ValueLayout.JAVA_INT.withName("sll_ifindex"),
            ValueLayout.JAVA_SHORT.withName("sll_hatype"),
            ValueLayout.JAVA_BYTE.withName("sll_pkttype"),
            ValueLayout.JAVA_BYTE.withName("sll_halen"),
            MemoryLayout.sequenceLayout(8, ValueLayout.JAVA_BYTE).withName("sll_addr"));

    static final long SLL_FAMILY = offset(SOCKADDR_LL, "sll_family");
    static final long SLL_PROTOCOL = offset(SOCKADDR_LL, "sll_protocol");
    static final long SLL_IFINDEX = offset(SOCKADDR_LL, "sll_ifindex");
    static final long SLL_HATYPE = offset(SOCKADDR_LL, "sll_hatype");
    static final long SLL_PKTTYPE = offset(SOCKADDR_LL, "sll_pkttype");
    static final long SLL_HALEN = offset(SOCKADDR_LL, "sll_halen");
    static final long SLL_ADDR = offset(SOCKADDR_LL, "sll_addr");

    /** {@code struct pollfd} (sys/poll.h): int fd; short events; short revents. */
    static final StructLayout POLLFD = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("fd"),
            ValueLayout.JAVA_SHORT.withName("events"),
            ValueLayout.JAVA_SHORT.withName("revents"));
    static final long POLLFD_EVENTS = offset(POLLFD, "events");
    static final long POLLFD_REVENTS = offset(POLLFD, "revents");

    /**
     * {@code struct ifreq} (net/if.h) as SIOCGIFHWADDR uses it: the name, then a
     * {@code struct sockaddr} whose family is the ARPHRD type and whose data starts with the MAC.
     * The union makes the whole struct 40 bytes.
     */
    static final long IFREQ_SIZE = 40;
    static final long IFREQ_HWADDR_FAMILY = IFNAMSIZ;
    static final long IFREQ_HWADDR_DATA = IFNAMSIZ + 2;

    static final ValueLayout.OfShort NETWORK_SHORT = BE16;

    private static long offset(StructLayout s, String field) {
        return s.byteOffset(PathElement.groupElement(field));
    }

    // errno names by number, from asm-generic/errno-base.h and errno.h ("-" where none is defined)
    private static final String[] ERRNO_NAMES = ("- EPERM ENOENT ESRCH EINTR EIO ENXIO E2BIG ENOEXEC EBADF ECHILD EAGAIN"
            + " ENOMEM EACCES EFAULT ENOTBLK EBUSY EEXIST EXDEV ENODEV ENOTDIR EISDIR EINVAL ENFILE EMFILE ENOTTY"
            + " ETXTBSY EFBIG ENOSPC ESPIPE EROFS EMLINK EPIPE EDOM ERANGE EDEADLK ENAMETOOLONG ENOLCK ENOSYS"
            + " ENOTEMPTY ELOOP - ENOMSG EIDRM ECHRNG EL2NSYNC EL3HLT EL3RST ELNRNG EUNATCH ENOCSI EL2HLT EBADE"
            + " EBADR EXFULL ENOANO EBADRQC EBADSLT - EBFONT ENOSTR ENODATA ETIME ENOSR ENONET ENOPKG EREMOTE"
            + " ENOLINK EADV ESRMNT ECOMM EPROTO EMULTIHOP EDOTDOT EBADMSG EOVERFLOW ENOTUNIQ EBADFD EREMCHG"
            + " ELIBACC ELIBBAD ELIBSCN ELIBMAX ELIBEXEC EILSEQ ERESTART ESTRPIPE EUSERS ENOTSOCK EDESTADDRREQ"
            + " EMSGSIZE EPROTOTYPE ENOPROTOOPT EPROTONOSUPPORT ESOCKTNOSUPPORT EOPNOTSUPP EPFNOSUPPORT"
            + " EAFNOSUPPORT EADDRINUSE EADDRNOTAVAIL ENETDOWN ENETUNREACH ENETRESET ECONNABORTED ECONNRESET"
            + " ENOBUFS EISCONN ENOTCONN ESHUTDOWN ETOOMANYREFS ETIMEDOUT ECONNREFUSED EHOSTDOWN EHOSTUNREACH"
            + " EALREADY EINPROGRESS ESTALE EUCLEAN ENOTNAM ENAVAIL EISNAM EREMOTEIO EDQUOT ENOMEDIUM"
            + " EMEDIUMTYPE ECANCELED ENOKEY EKEYEXPIRED EKEYREVOKED EKEYREJECTED EOWNERDEAD ENOTRECOVERABLE"
            + " ERFKILL EHWPOISON").split(" ");

    /** The symbolic name of an errno value, e.g. {@code EPERM}; {@code errno 200} for unknown ones. */
    static String errnoName(int errno) {
        return errno > 0 && errno < ERRNO_NAMES.length && !ERRNO_NAMES[errno].equals("-")
                ? ERRNO_NAMES[errno] : "errno " + errno;
    }
}
