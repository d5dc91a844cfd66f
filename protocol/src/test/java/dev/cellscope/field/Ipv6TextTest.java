package dev.cellscope.field;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.net.InetAddress;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * IPv6 addresses are written as RFC 5952 says (and tshark, ip and -D print them) wherever a value is
 * shown: -T fields, JSON, CSV, the tree's values. Expected texts are the RFC's rules applied by hand.
 */
class Ipv6TextTest {
    private static String text(String address) throws Exception {
        return FieldFormat.ipv6(InetAddress.getByName(address).getAddress());
    }

    @Test
    void theLongestRunOfZerosBecomesADoubleColonOnlyOnce() throws Exception {
        assertEquals("::1", text("0:0:0:0:0:0:0:1"));
        assertEquals("::", text("0:0:0:0:0:0:0:0"));
        assertEquals("fe80::fc:ff:fe00:1", text("fe80:0:0:0:fc:ff:fe00:1"));
        assertEquals("fd00::2", text("fd00:0:0:0:0:0:0:2"));
        assertEquals("2001:db8::1:0:0:1", text("2001:db8:0:0:1:0:0:1")); // the first of two equal runs
        assertEquals("2001:db8:0:0:1::", text("2001:db8:0:0:1:0:0:0")); // the longer run wins
        assertEquals("2001:db8:0:1:1:1:1:1", text("2001:db8:0:1:1:1:1:1")); // one zero group stays
        assertEquals("1::", text("1:0:0:0:0:0:0:0"));
        assertEquals("2001:db8::abcd:ef", text("2001:0DB8:0000:0000:0000:0000:ABCD:00EF")); // lowercase, no leading zeros
    }

    @Test
    void anIpv6FieldsPlainTextIsThatForm() {
        byte[] a = new byte[16];
        a[0] = (byte) 0xfe; a[1] = (byte) 0x80; a[15] = 0x10;
        assertEquals("fe80::10", FieldFormat.plainBytes(LinkFields.IPV6_SRC, MemorySegment.ofArray(a), 0, 16));
    }
}
