package dev.cellscope.replay;

import dev.cellscope.wire.Bytes;
import org.junit.jupiter.api.Test;

import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The address forms an {@code ip} line of a map takes. */
class AddressMapTest {
    /**
     * An IPv4-mapped IPv6 address is an IPv6 address (review: "::ffff:10.0.0.3" was "not an IPv6 address", the JDK
     * having parsed it into 10.0.0.3). Fails when the 4-byte form the JDK returns is refused.
     */
    @Test
    void anIpv4MappedAddressIsSixteenBytes() {
        Bytes expected = Bytes.of(HexFormat.of().parseHex("00000000000000000000ffff0a000003"));
        assertEquals(expected, AddressMap.ipv6("::ffff:10.0.0.3"));
        assertEquals(expected, AddressMap.ipv6("::ffff:a00:3"));
        assertEquals(Bytes.of(HexFormat.of().parseHex("20010db8000000000000000000000001")), AddressMap.ipv6("2001:db8::1"));
        assertThrows(IllegalArgumentException.class, () -> AddressMap.ipv6("10.0.0.3"));
    }
}
