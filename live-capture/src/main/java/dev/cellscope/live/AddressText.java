package dev.cellscope.live;

import dev.cellscope.field.FieldFormat;

import java.net.Inet6Address;
import java.net.InetAddress;

/** Addresses as {@code -D} shows them, the same for every backend. */
public final class AddressText {
    private AddressText() {}

    /** IPv4 dotted, IPv6 as RFC 5952 (no zone): what ip and tshark print, and what -T fields prints. */
    public static String of(InetAddress a) {
        return a instanceof Inet6Address ? FieldFormat.ipv6(a.getAddress()) : a.getHostAddress();
    }
}
