package dev.cellscope.nativetap.packet;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The struct layouts PacketSocket hands to the kernel, against linux/if_packet.h and net/if.h. */
class SockaddrLlLayoutTest {

    @Test
    void sockaddrLlIsTwentyBytesWithTheHeadersOffsets() {
        // struct sockaddr_ll in /usr/include/linux/if_packet.h
        assertEquals(20, LinuxAbi.SOCKADDR_LL.byteSize());
        assertEquals(0, LinuxAbi.SLL_FAMILY);
        assertEquals(2, LinuxAbi.SLL_PROTOCOL);
        assertEquals(4, LinuxAbi.SLL_IFINDEX);
        assertEquals(8, LinuxAbi.SLL_HATYPE);
        assertEquals(10, LinuxAbi.SLL_PKTTYPE);
        assertEquals(11, LinuxAbi.SLL_HALEN);
        assertEquals(12, LinuxAbi.SLL_ADDR);
        assertEquals(8, LinuxAbi.POLLFD.byteSize());
    }

    @Test
    void protocolIsInNetworkByteOrder() {
        try (var arena = java.lang.foreign.Arena.ofConfined()) {
            var sll = arena.allocate(LinuxAbi.SOCKADDR_LL);
            PacketSocket.fillSockaddr(sll, 0x88B5, 7);
            byte[] b = sll.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
            assertEquals(17, b[0]); // AF_PACKET, host order (little-endian)
            assertEquals((byte) 0x88, b[2]);
            assertEquals((byte) 0xB5, b[3]);
            assertEquals(7, b[4]);
        }
    }

    /** Compiles sizeof/offsetof against this machine's headers, so a transcription slip cannot hide. */
    @Test
    void layoutsMatchWhatGccSeesInTheHeaders(@TempDir Path dir) throws Exception {
        Path gcc = which("gcc");
        Assumptions.assumeTrue(gcc != null, "gcc not found on PATH (Debian package gcc): cannot compile the header check");
        Assumptions.assumeTrue(Files.isRegularFile(Path.of("/usr/include/linux/if_packet.h")),
                "/usr/include/linux/if_packet.h missing (Debian package linux-libc-dev): cannot compile the header check");
        Path c = dir.resolve("layout.c");
        Files.writeString(c, """
                #include <stdio.h>
                #include <stddef.h>
                #include <poll.h>
                #include <net/if.h>
                #include <sys/ioctl.h>
                #include <sys/socket.h>
                #include <sys/eventfd.h>
                #include <linux/if_packet.h>
                #include <linux/if_arp.h>
                int main(void) {
                  printf("%zu %zu %zu %zu %zu %zu %zu %zu\\n", sizeof(struct sockaddr_ll),
                    offsetof(struct sockaddr_ll, sll_family), offsetof(struct sockaddr_ll, sll_protocol),
                    offsetof(struct sockaddr_ll, sll_ifindex), offsetof(struct sockaddr_ll, sll_hatype),
                    offsetof(struct sockaddr_ll, sll_pkttype), offsetof(struct sockaddr_ll, sll_halen),
                    offsetof(struct sockaddr_ll, sll_addr));
                  printf("%zu %zu %zu %zu\\n", sizeof(struct pollfd), offsetof(struct pollfd, revents),
                    sizeof(struct ifreq), offsetof(struct ifreq, ifr_hwaddr.sa_data));
                  printf("%d %d %d %d %d %d %d %d\\n", AF_PACKET, SOCK_RAW, SOL_PACKET, PACKET_IGNORE_OUTGOING,
                    PACKET_OUTGOING, PACKET_OTHERHOST, (int) SIOCGIFHWADDR, ARPHRD_ETHER);
                  printf("%d %d %d %d %d %d\\n", SOCK_CLOEXEC, EFD_CLOEXEC, EFD_NONBLOCK, MSG_DONTWAIT, MSG_TRUNC, IFNAMSIZ);
                  return 0;
                }
                """);
        Path exe = dir.resolve("layout");
        assertEquals("", run(gcc.toString(), "-o", exe.toString(), c.toString()).error());
        String[] lines = run(exe.toString()).output().strip().split("\n");
        var l = LinuxAbi.SOCKADDR_LL;
        assertEquals(l.byteSize() + " " + LinuxAbi.SLL_FAMILY + " " + LinuxAbi.SLL_PROTOCOL + " " + LinuxAbi.SLL_IFINDEX + " "
                + LinuxAbi.SLL_HATYPE + " " + LinuxAbi.SLL_PKTTYPE + " " + LinuxAbi.SLL_HALEN + " " + LinuxAbi.SLL_ADDR, lines[0]);
        assertEquals(LinuxAbi.POLLFD.byteSize() + " " + LinuxAbi.POLLFD_REVENTS + " " + LinuxAbi.IFREQ_SIZE + " "
                + LinuxAbi.IFREQ_HWADDR_DATA, lines[1]);
        assertEquals(LinuxAbi.AF_PACKET + " " + LinuxAbi.SOCK_RAW + " " + LinuxAbi.SOL_PACKET + " " + LinuxAbi.PACKET_IGNORE_OUTGOING
                + " " + LinuxAbi.PACKET_OUTGOING + " " + LinuxAbi.PACKET_OTHERHOST + " " + LinuxAbi.SIOCGIFHWADDR + " "
                + LinuxAbi.ARPHRD_ETHER, lines[2]);
        assertEquals(LinuxAbi.SOCK_CLOEXEC + " " + LinuxAbi.EFD_CLOEXEC + " " + LinuxAbi.EFD_NONBLOCK + " " + LinuxAbi.MSG_DONTWAIT
                + " " + LinuxAbi.MSG_TRUNC + " " + LinuxAbi.IFNAMSIZ, lines[3]);
    }

    @Test
    void errnoNames() {
        assertEquals("EPERM", LinuxAbi.errnoName(1));
        assertEquals("ENODEV", LinuxAbi.errnoName(19));
        assertEquals("EMSGSIZE", LinuxAbi.errnoName(90));
        assertEquals("ENETDOWN", LinuxAbi.errnoName(100));
        assertEquals("ENOBUFS", LinuxAbi.errnoName(LinuxAbi.ENOBUFS));
        assertEquals("EHWPOISON", LinuxAbi.errnoName(133));
        assertEquals("errno 41", LinuxAbi.errnoName(41));
        assertEquals("errno 999", LinuxAbi.errnoName(999));
    }

    /** A finished command: {@code error()} is empty when it exited 0, else the exit code and stderr. */
    record Result(int exit, String output, String stderr) {
        String error() {
            return exit == 0 ? "" : "exit " + exit + ": " + stderr;
        }
    }

    static Result run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Result(-1, out, String.join(" ", cmd) + " did not finish in 60 s");
        }
        return new Result(p.exitValue(), out, err);
    }

    static Path which(String tool) {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/sbin:/sbin";
        for (String d : path.split(":")) {
            Path p = Path.of(d.isEmpty() ? "." : d, tool);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }
}
