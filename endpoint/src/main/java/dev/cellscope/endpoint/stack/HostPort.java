package dev.cellscope.endpoint.stack;

import java.net.InetSocketAddress;

/** {@code HOST:PORT} (an IPv6 host in brackets or bare) as a socket address. */
public final class HostPort {
    private HostPort() {
    }

    /** @param what names the value in the error, e.g. "--listen" or "peer address" */
    public static InetSocketAddress parse(String spec, String what) {
        int colon = spec.lastIndexOf(':');
        if (colon < 0) throw StackException.invalid(what + " takes HOST:PORT, got '" + spec + "'");
        try {
            int port = Integer.parseInt(spec.substring(colon + 1));
            if (port < 0 || port > 65535) throw new NumberFormatException();
            return new InetSocketAddress(spec.substring(0, colon).replace("[", "").replace("]", ""), port);
        } catch (NumberFormatException e) {
            throw StackException.invalid(what + ": '" + spec.substring(colon + 1) + "' is not a port");
        }
    }
}
