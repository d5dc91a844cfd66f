package dev.cellscope.endpoint.stack;

import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** HOST:PORT as users write it, and the one-line errors for what is not. */
class HostPortTest {
    @Test
    void addressesAreResolvedHere() {
        InetSocketAddress a = HostPort.parse("127.0.0.1:34997", "peer address");
        assertFalse(a.isUnresolved());
        assertEquals(34997, a.getPort());
        assertEquals("0:0:0:0:0:0:0:1", HostPort.parse("[::1]:9", "--listen").getAddress().getHostAddress());
    }

    /** User review: an unknown host reached the link unresolved, and every SYN retry printed a NullPointerException. */
    @Test
    void aHostThatDoesNotResolveIsOneLine() {
        StackException e = assertThrows(StackException.class, () -> HostPort.parse("nosuchhost.invalid:34997", "peer address"));
        assertEquals("peer address nosuchhost.invalid:34997: no such host 'nosuchhost.invalid'", e.getMessage());
    }

    @Test
    void aMacAddressOverUdpSaysWhatItNeeds() {
        StackException e = assertThrows(StackException.class, () -> HostPort.parse("02:00:00:00:00:0a", "peer address"));
        assertEquals("peer address: '02:00:00:00:00:0a' is a MAC address, which needs --transport eth --iface IF (UDP takes HOST:PORT)", e.getMessage());
        assertEquals("--listen: 'x' is not a port", assertThrows(StackException.class, () -> HostPort.parse("h:x", "--listen")).getMessage());
    }
}
