package dev.cellscope.nativetap.packet;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/** The errors a user meets first, worded as the README promises. */
class PacketSocketErrorsTest {

    @Test
    void anUnknownInterfaceIsNamed() {
        // needs no privilege: the interface is looked up before the socket is created
        PacketSocketException e = assertThrows(PacketSocketException.class,
                () -> PacketSocket.open("cs-nosuch0", PacketSocket.ETHERTYPE_CELL));
        assertEquals("no network interface 'cs-nosuch0'", e.getMessage());
        assertEquals("ENODEV", e.errnoName());
    }

    @Test
    void argumentsAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> PacketSocket.open("lo", 0x0003)); // ETH_P_ALL
        assertThrows(IllegalArgumentException.class, () -> PacketSocket.open("lo", 0x10000));
        assertThrows(IllegalArgumentException.class, () -> PacketSocket.open("a-name-of-16-chr", 0x88B5));
        assertThrows(IllegalArgumentException.class, () -> PacketSocket.open("", 0x88B5));
    }

    @Test
    void macAddressesRoundTrip() {
        assertEquals(0x02000000000aL, MacAddress.parse("02:00:00:00:00:0A"));
        assertEquals("02:00:00:00:00:0a", MacAddress.format(0x02000000000aL));
        assertEquals("ff:ff:ff:ff:ff:ff", MacAddress.format(MacAddress.BROADCAST));
        assertTrue(MacAddress.isGroup(MacAddress.BROADCAST));
        assertFalse(MacAddress.isGroup(0x02000000000aL));
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse("02:00:00:00:00"));
        assertThrows(IllegalArgumentException.class, () -> MacAddress.parse("02:00:00:00:00:zz"));
    }

    /**
     * Without CAP_NET_RAW, socket(AF_PACKET) fails with EPERM. Run in a child JVM started by
     * setpriv with CAP_NET_RAW removed from its bounding and inheritable sets (as root that is the
     * only way to lose it across exec).
     */
    @Test
    void withoutCapNetRawTheMessageSaysWhatIsMissing() throws Exception {
        Path setpriv = SockaddrLlLayoutTest.which("setpriv");
        Assumptions.assumeTrue(setpriv != null, "setpriv not found (Debian package util-linux): cannot drop CAP_NET_RAW for a child JVM");
        Assumptions.assumeTrue(Files.isDirectory(Path.of("/sys/class/net/lo")), "no loopback interface 'lo' in this namespace");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        SockaddrLlLayoutTest.Result r = SockaddrLlLayoutTest.run(setpriv.toString(), "--inh-caps=-net_raw", "--bounding-set=-net_raw",
                "--", java, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                OpenLoopback.class.getName());
        Assumptions.assumeTrue(r.exit() == 0, "could not start a child JVM without CAP_NET_RAW: " + r.error());
        assertEquals("AF_PACKET needs root or CAP_NET_RAW (socket: EPERM)", r.output().strip());
    }

    /** The child: opens a socket on lo and prints the error message (or "opened"). */
    public static final class OpenLoopback {
        public static void main(String[] args) {
            try (PacketSocket s = PacketSocket.open("lo", PacketSocket.ETHERTYPE_CELL)) {
                System.out.println("opened " + s);
            } catch (PacketSocketException e) {
                System.out.println(e.getMessage());
            }
        }
    }
}
