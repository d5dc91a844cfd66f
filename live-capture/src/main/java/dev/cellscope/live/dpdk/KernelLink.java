package dev.cellscope.live.dpdk;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * The kernel interface under a virtual device, as {@code /sys/class/net} shows it (this process's
 * network namespace), checked before DPDK is asked for anything, so that a missing or down
 * interface gets the same one-line message as with the other backends (DPDK's af_packet driver
 * would only log a failed ioctl).
 */
final class KernelLink {
    private static final Path SYS = Path.of("/sys/class/net");
    private static final int IFF_UP = 0x1; // linux/if.h
    private static final int CAP_NET_ADMIN = 12, CAP_NET_RAW = 13; // linux/capability.h

    private KernelLink() {}

    static boolean exists(String ifname) {
        return !ifname.isEmpty() && !ifname.contains("/") && !ifname.equals(".") && !ifname.equals("..") && Files.isDirectory(SYS.resolve(ifname));
    }

    static List<String> names() {
        try (Stream<Path> s = Files.list(SYS)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    /** Administratively up; true when unreadable (DPDK then says what is wrong). */
    static boolean up(String ifname) {
        long f = number(ifname, "flags");
        return f < 0 || (f & IFF_UP) != 0;
    }

    /** The MTU, 1500 when unreadable. */
    static int mtu(String ifname) {
        long m = number(ifname, "mtu");
        return m <= 0 ? 1500 : (int) Math.min(m, 65536);
    }

    /** Whether this process may open packet sockets (CAP_NET_RAW in its effective set); true when unknown. */
    static boolean mayCapture() {
        return hasCapability(CAP_NET_RAW);
    }

    /**
     * Whether this process may change an interface's flags and address (CAP_NET_ADMIN); true when unknown. DPDK
     * needs it for a kernel interface: {@code rte_eth_dev_start} sets the port's MAC address on it
     * (SIOCSIFHWADDR, the same address) and replays its promiscuous setting (SIOCSIFFLAGS).
     */
    static boolean mayAdminister() {
        return hasCapability(CAP_NET_ADMIN);
    }

    private static boolean hasCapability(int capability) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("CapEff:")) return (Long.parseUnsignedLong(line.substring(7).strip(), 16) >>> capability & 1) == 1;
            }
        } catch (IOException | RuntimeException e) {
            // unknown: let DPDK try
        }
        return true;
    }

    /** The interface's index, 0 when unreadable. */
    static int index(String ifname) {
        return (int) Math.max(0, number(ifname, "ifindex"));
    }

    private static long number(String ifname, String attribute) {
        try {
            String s = Files.readString(SYS.resolve(ifname).resolve(attribute)).strip();
            return s.startsWith("0x") ? Long.parseLong(s.substring(2), 16) : Long.parseLong(s);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
