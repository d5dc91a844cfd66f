package dev.cellscope.nativetap.dpdk;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The kernel's drop counter of the packet socket under a {@code net_af_packet} device. DPDK
 * 22.11's af_packet driver never reads {@code PACKET_STATISTICS} (its {@code imissed} stays 0 while
 * the kernel drops frames that find its ring full), so the port reads it itself: the driver's socket
 * is the packet socket bound to the interface that appeared in this process's descriptors while the
 * device was created ({@code /proc/self/fd} against {@code /proc/net/packet}). Reading the counters
 * resets them in the kernel; nobody else reads this socket's, so they are added up here.
 */
final class KernelRingDrops {
    private static final int SOL_PACKET = 263, PACKET_STATISTICS = 6; // linux/if_packet.h
    private final int fd;
    private long drops; // guarded by this

    private KernelRingDrops(int fd) {
        this.fd = fd;
    }

    /** Socket inodes of this process by descriptor, to compare before and after a device is made. */
    static Map<Long, Integer> sockets() {
        Map<Long, Integer> out = new HashMap<>();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            for (Path p : s.toList()) {
                try {
                    String link = Files.readSymbolicLink(p).toString();
                    if (link.startsWith("socket:[")) out.put(Long.parseLong(link.substring(8, link.length() - 1)), Integer.parseInt(p.getFileName().toString()));
                } catch (IOException | RuntimeException e) {
                    // closed meanwhile
                }
            }
        } catch (IOException e) {
            // no /proc: no counter
        }
        return out;
    }

    /** The packet socket on {@code ifname} among those new since {@code before}, or null when there is not exactly one. */
    static KernelRingDrops find(Map<Long, Integer> before, String ifname) {
        try {
            int ifindex = Integer.parseInt(Files.readString(Path.of("/sys/class/net", ifname, "ifindex")).strip());
            Map<Long, Integer> now = sockets();
            Integer found = null;
            int matches = 0;
            List<String> lines = Files.readAllLines(Path.of("/proc/net/packet"));
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.strip().split("\\s+"); // sk RefCnt Type Proto Iface R Rmem User Inode
                if (f.length < 9 || Integer.parseInt(f[4]) != ifindex) continue;
                long inode = Long.parseLong(f[8]);
                if (now.containsKey(inode) && !before.containsKey(inode)) {
                    found = now.get(inode);
                    matches++;
                }
            }
            return matches == 1 ? new KernelRingDrops(found) : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Counts from now on (the kernel's count so far read and forgotten): the drops of frames discarded at start are not the capture's. */
    synchronized void restart() {
        drops();
        drops = 0;
    }

    /** Frames the kernel dropped because the driver's ring was full, since the device was made (or {@link #restart}). */
    synchronized long drops() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = a.allocate(8, 4), len = a.allocate(ValueLayout.JAVA_INT);
            len.set(ValueLayout.JAVA_INT, 0, 8);
            int rc = (int) DpdkLibrary.GETSOCKOPT.invokeExact(fd, SOL_PACKET, PACKET_STATISTICS, st, len);
            if (rc == 0) drops += Integer.toUnsignedLong(st.get(ValueLayout.JAVA_INT, 4)); // struct tpacket_stats {tp_packets, tp_drops}
        } catch (Throwable t) {
            // keep the count so far
        }
        return drops;
    }
}
