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
    // asm-generic/socket.h: busy polling (SO_BUSY_POLL_BUDGET above net.core's default needs CAP_NET_ADMIN)
    static final int SO_BUSY_POLL = 46;
    static final int SO_PREFER_BUSY_POLL = 69;
    static final int SO_BUSY_POLL_BUDGET = 70;
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

    // linux/if_packet.h, linux/if_ether.h: the TPACKET_V3 receive ring (TpacketV3Ring)
    static final int ETH_P_ALL = 0x0003;
    static final int PACKET_ADD_MEMBERSHIP = 1;
    static final int PACKET_RX_RING = 5;
    static final int PACKET_STATISTICS = 6;
    static final int PACKET_VERSION = 10;
    static final int PACKET_RESERVE = 12;
    static final int PACKET_FANOUT = 18;
    static final int TPACKET_V3 = 2;
    static final int PACKET_MR_PROMISC = 1;
    static final int PACKET_FANOUT_FLAG_ROLLOVER = 0x1000;
    static final int PACKET_FANOUT_FLAG_DEFRAG = 0x8000;
    static final int TP_STATUS_KERNEL = 0;
    static final int TP_STATUS_USER = 1;
    static final int TP_STATUS_LOSING = 0x4;
    static final int TP_STATUS_VLAN_VALID = 0x10;
    static final int TP_STATUS_BLK_TMO = 0x20;
    static final int TP_STATUS_VLAN_TPID_VALID = 0x40;
    /** TPACKET_ALIGN(sizeof(struct tpacket3_hdr)) + sizeof(struct sockaddr_ll): where the kernel's header area ends. */
    static final int TPACKET3_HDRLEN = 68;
    static final int TPACKET_ALIGNMENT = 16;
    /** net/packet/af_packet.c V3_ALIGNMENT: frames in a TPACKET_V3 block start at multiples of 8. */
    static final int V3_ALIGNMENT = 8;
    // asm-generic/socket.h
    static final int SO_ERROR = 4;
    static final int SO_ATTACH_FILTER = 26;
    // sys/mman.h
    static final int PROT_READ = 1;
    static final int PROT_WRITE = 2;
    static final int MAP_SHARED = 1;
    static final int ENOMEM = 12;
    static final int EINVAL = 22;

    /** {@code struct tpacket_req3}: seven unsigned ints, in this order. */
    static final long TPACKET_REQ3_SIZE = 28;
    /** {@code struct tpacket_block_desc} with its {@code tpacket_hdr_v1}: offsets from the block's start. */
    static final long BLOCK_DESC_SIZE = 48;
    static final long BLOCK_STATUS = 8;
    static final long BLOCK_NUM_PKTS = 12;
    static final long BLOCK_OFFSET_TO_FIRST_PKT = 16;
    static final long BLOCK_SEQ_NUM = 24;
    /** {@code struct tpacket3_hdr}: offsets from the frame header's start. */
    static final long TP_NEXT_OFFSET = 0;
    static final long TP_SEC = 4;
    static final long TP_NSEC = 8;
    static final long TP_SNAPLEN = 12;
    static final long TP_LEN = 16;
    static final long TP_STATUS = 20;
    static final long TP_MAC = 24;
    static final long TP_VLAN_TCI = 32;
    static final long TP_VLAN_TPID = 36;
    /** The {@code sockaddr_ll} the kernel writes after the 48-byte header (TPACKET_ALIGN(sizeof(tpacket3_hdr))). */
    static final long TP_SOCKADDR_LL = 48;
    /** {@code struct tpacket_stats_v3}: tp_packets, tp_drops, tp_freeze_q_cnt. */
    static final long TPACKET_STATS_V3_SIZE = 12;
    /** {@code struct packet_mreq}: int mr_ifindex; unsigned short mr_type, mr_alen; unsigned char mr_address[8]. */
    static final long PACKET_MREQ_SIZE = 16;
    /** {@code struct sock_fprog} (linux/filter.h): unsigned short len; (padding); struct sock_filter *filter. */
    static final long SOCK_FPROG_SIZE = 16;
    static final long SOCK_FPROG_FILTER = 8;
    /** {@code struct sock_filter}: u16 code; u8 jt, jf; u32 k. Same layout as libpcap's {@code struct bpf_insn}. */
    static final long SOCK_FILTER_SIZE = 8;

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
