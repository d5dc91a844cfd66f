package dev.cellscope.endpoint.stack;

import java.net.InetSocketAddress;

/** {@code HOST:PORT} (an IPv6 host in brackets or bare) as a socket address. */
public final class HostPort {
    private HostPort() {
    }

    /** @param what names the value in the error, e.g. "--listen" or "peer address" */
    public static InetSocketAddress parse(String spec, String what) {
        if (spec.matches("\\p{XDigit}{2}(:\\p{XDigit}{2}){5}")) {
            throw StackException.invalid(what + ": '" + spec + "' is a MAC address, which needs --transport eth --iface IF (UDP takes HOST:PORT)");
        }
        int colon = spec.lastIndexOf(':');
        if (colon < 0) throw StackException.invalid(what + " takes HOST:PORT, got '" + spec + "'");
        int port;
        try {
            port = Integer.parseInt(spec.substring(colon + 1));
            if (port < 0 || port > 65535) throw new NumberFormatException();
        } catch (NumberFormatException e) {
            throw StackException.invalid(what + ": '" + spec.substring(colon + 1) + "' is not a port");
        }
        String host = spec.substring(0, colon).replace("[", "").replace("]", "");
        InetSocketAddress address = new InetSocketAddress(host, port);
        // resolved once, here: an unknown host used to reach the link unresolved, and each SYN retry failed on it
        if (address.isUnresolved()) throw StackException.invalid(what + " " + spec + ": no such host '" + host + "'");
        return address;
    }
}
