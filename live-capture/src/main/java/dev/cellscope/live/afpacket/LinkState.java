package dev.cellscope.live.afpacket;

import dev.cellscope.live.AddressText;
import dev.cellscope.live.CaptureInterface;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the kernel says about an interface in {@code /sys/class/net} (the network namespace of this
 * process): whether it exists and is up, its addresses for {@code -D}, and its own drop counters.
 * No libpcap and no privilege needed. Public for the backends that check an interface the same way
 * before opening it (the xdp backend).
 */
public final class LinkState {
    private static final Path SYS = Path.of("/sys/class/net");
    // linux/if.h: dev->flags as /sys/class/net/IF/flags shows them (IFF_RUNNING is not among them: see running())
    private static final int IFF_UP = 0x1, IFF_LOOPBACK = 0x8;

    private LinkState() {}

    public static boolean exists(String ifname) {
        return !ifname.contains("/") && !ifname.equals(".") && !ifname.equals("..") && Files.isDirectory(SYS.resolve(ifname));
    }

    /** The interfaces of this namespace by name, sorted. */
    public static List<String> names() {
        try (Stream<Path> s = Files.list(SYS)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** A loopback interface (IFF_LOOPBACK): every frame sent on it is seen twice by a packet socket, going out and coming in. */
    public static boolean loopback(String ifname) {
        long f = number(ifname, "flags");
        return f >= 0 && (f & IFF_LOOPBACK) != 0;
    }

    /** linux/if_arp.h: the ARPHRD_ types whose frames a packet socket gives with an Ethernet header, or none. */
    private static final int ARPHRD_ETHER = 1, ARPHRD_LOOPBACK = 772, ARPHRD_RAWIP = 519, ARPHRD_NONE = 65534;
    /** LINKTYPE_ETHERNET, LINKTYPE_RAW. */
    private static final int ETHERNET = 1, RAW_IP = 101;

    /**
     * The pcap link type of what a packet socket reads from the interface: Ethernet for Ethernet-like ones (and {@code lo},
     * which has a zeroed Ethernet header), raw IP for headerless ones (tun, WireGuard: ARPHRD_NONE; ARPHRD_RAWIP), as
     * libpcap maps them. -1 for any other type (its number in {@link #hardwareType}); -1 too when unreadable.
     */
    public static int linkType(String ifname) {
        long type = hardwareType(ifname);
        if (type == ARPHRD_ETHER || type == ARPHRD_LOOPBACK) return ETHERNET;
        if (type == ARPHRD_NONE || type == ARPHRD_RAWIP) return RAW_IP;
        return -1;
    }

    /** The interface's ARPHRD_ type ({@code /sys/class/net/IF/type}), or -1. */
    public static long hardwareType(String ifname) {
        return number(ifname, "type");
    }

    /** Administratively up (IFF_UP); true when it cannot be read (then opening says what is wrong). */
    public static boolean up(String ifname) {
        long f = number(ifname, "flags");
        return f < 0 || (f & IFF_UP) != 0;
    }

    /**
     * Frames the interface or its driver dropped before any capture saw them, as libpcap counts
     * {@code ps_ifdrop} on Linux: {@code rx_missed_errors + rx_fifo_errors} (the NIC's receive
     * ring or FIFO overran). Not {@code rx_dropped}: the kernel also counts there frames it had
     * already handed to the taps (no protocol handler, a full backlog after capture), which would
     * report loss the capture did not have. -1 when unreadable.
     */
    public static long interfaceDrops(String ifname) {
        long missed = number(ifname, "statistics/rx_missed_errors"), fifo = number(ifname, "statistics/rx_fifo_errors");
        return missed < 0 || fifo < 0 ? -1 : missed + fifo;
    }

    /** {@code -D}: every interface with its addresses (IPv4, IPv6, then the MAC), running ones first, loopback after them, down ones last. */
    public static List<CaptureInterface> interfaces() {
        List<CaptureInterface> out = new ArrayList<>();
        for (String name : names()) {
            long flags = number(name, "flags");
            if (flags < 0) continue; // vanished meanwhile
            boolean up = (flags & IFF_UP) != 0, loopback = (flags & IFF_LOOPBACK) != 0;
            out.add(new CaptureInterface(name, null, addresses(name), up, up && running(name), loopback));
        }
        out.sort(Comparator.comparingInt(LinkState::rank).thenComparingLong(i -> number(i.name(), "ifindex")));
        return out;
    }

    /** As libpcap orders -D: up and running first, loopback after them, then up without carrier, then down. */
    private static int rank(CaptureInterface i) {
        if (!i.up()) return 3;
        if (!i.running()) return 2;
        return i.loopback() ? 1 : 0;
    }

    /**
     * IFF_RUNNING as SIOCGIFFLAGS reports it: up and operationally up, where "unknown" counts as up
     * (the loopback and many virtual interfaces never leave it).
     */
    private static boolean running(String ifname) {
        String s = text(ifname, "operstate");
        return "up".equals(s) || "unknown".equals(s);
    }

    private static List<String> addresses(String ifname) {
        List<String> v4 = new ArrayList<>(), v6 = new ArrayList<>();
        try {
            NetworkInterface ni = NetworkInterface.getByName(ifname);
            if (ni != null) {
                for (Enumeration<InetAddress> e = ni.getInetAddresses(); e.hasMoreElements(); ) {
                    InetAddress a = e.nextElement();
                    (a.getAddress().length == 4 ? v4 : v6).add(AddressText.of(a));
                }
            }
        } catch (SocketException e) {
            // no addresses then
        }
        List<String> all = new ArrayList<>(v4);
        all.addAll(v6);
        String mac = text(ifname, "address");
        if (mac != null && !mac.isEmpty()) all.add(mac);
        return all;
    }

    private static String text(String ifname, String attribute) {
        try {
            return Files.readString(SYS.resolve(ifname).resolve(attribute)).strip();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long number(String ifname, String attribute) {
        String s = text(ifname, attribute);
        if (s == null) return -1;
        try {
            return s.startsWith("0x") ? Long.parseLong(s.substring(2), 16) : Long.parseLong(s);
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
