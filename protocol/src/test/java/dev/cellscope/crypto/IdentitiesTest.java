package dev.cellscope.crypto;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class IdentitiesTest {
    private static final HexFormat HEX = HexFormat.of();

    /** RFC 8032 section 7.1, TEST 1 and TEST 2 public keys. */
    static final byte[] RFC8032_1 = HEX.parseHex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
    static final byte[] RFC8032_2 = HEX.parseHex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c");

    /*
     * Expected values, computed outside this code:
     *  cellId  = SipHash-2-4-128, zero key, of the raw key (BouncyCastle SipHash128, also a
     *            from-scratch Python implementation of the reference; checked again below);
     *  tetherId = 0xac1d + first 4 bytes of `xxd -r -p <<< KEY | b3sum` (b3sum 1.2.0):
     *            d75a...511a -> 6c310412..., 3d40...660c -> 1027e035...
     */
    static final String CELL_1 = "7eb397dda09a938a41ec30cdcfc1cf15";
    static final String CELL_2 = "fed93f8caa4770aa03473070e5a39bf3";
    static final long TETHER_1 = 0xAC1D6C310412L;
    static final long TETHER_2 = 0xAC1D1027E035L;

    @Test
    void knownKeys() {
        assertEquals(CELL_1, Identities.formatCellId(Identities.cellId(RFC8032_1)));
        assertEquals(CELL_2, Identities.formatCellId(Identities.cellId(RFC8032_2)));
        assertEquals(CELL_1, HEX.formatHex(SipHash128Test.bouncyCastle(new byte[16], RFC8032_1)));
        assertEquals(CELL_2, HEX.formatHex(SipHash128Test.bouncyCastle(new byte[16], RFC8032_2)));
        assertEquals(TETHER_1, Identities.tetherId(RFC8032_1));
        assertEquals(TETHER_2, Identities.tetherId(RFC8032_2));
        assertEquals("ac:1d:6c:31:04:12", Identities.formatTetherId(TETHER_1));
    }

    @Test
    void configuredSipKeyChangesTheCellId() {
        byte[] key = SipHash128Test.seq(16);
        byte[] id = Identities.cellId(RFC8032_1, key);
        assertArrayEquals(SipHash128Test.bouncyCastle(key, RFC8032_1), id);
        assertFalse(Arrays.equals(Identities.cellId(RFC8032_1), id));
    }

    /** The raw 32-byte Ed25519 key is the tail of its X.509 SubjectPublicKeyInfo encoding. */
    static byte[] rawKey(java.security.PublicKey pk) {
        byte[] x509 = pk.getEncoded();
        return Arrays.copyOfRange(x509, x509.length - 32, x509.length);
    }

    @Test
    void jdkGeneratedKeysAgreeWithIndependentImplementations() throws Exception {
        KeyPairGenerator gen = KeyPairGenerator.getInstance("Ed25519");
        for (int i = 0; i < 8; i++) {
            java.security.PublicKey pk = gen.generateKeyPair().getPublic();
            assertEquals(44, pk.getEncoded().length); // 12-byte SPKI prefix + 32-byte key
            byte[] raw = rawKey(pk);
            assertArrayEquals(SipHash128Test.bouncyCastle(new byte[16], raw), Identities.cellId(raw));
            long id = Identities.tetherId(raw);
            assertTrue(Identities.isUnicast(id));
            if (B3sum.present()) {
                byte[] b3 = B3sum.of(raw);
                long want = 0xAC1D00000000L | (Long.parseLong(HEX.formatHex(b3, 0, 4), 16));
                assertEquals(want, id);
            }
        }
    }

    @Test
    void rfcKeyTetherIdMatchesB3sumLive() throws Exception {
        assumeTrue(B3sum.present(), "b3sum not installed: skipping the live tetherId cross-check");
        assertEquals(HEX.formatHex(B3sum.of(RFC8032_1), 0, 4), Identities.formatTetherId(TETHER_1).substring(6).replace(":", ""));
    }

    @Test
    void wrongKeySizesAreIllegalArguments() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Identities.cellId(new byte[31]));
        assertEquals("an Ed25519 public key is 32 bytes, got 31", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Identities.tetherId(new byte[33]));
        assertThrows(IllegalArgumentException.class, () -> Identities.cellId(RFC8032_1, new byte[8]));
        assertThrows(IllegalArgumentException.class, () -> Identities.formatCellId(new byte[15]));
    }

    @Test
    void wellKnownIds() {
        assertEquals("cc:cc:cc:cc:cc:cc", Identities.formatTetherId(Identities.SPINE));
        assertEquals("ac:1d:00:00:00:00", Identities.formatTetherId(Identities.REGISTRY));
        assertTrue(Identities.isUnicast(Identities.REGISTRY));
        assertFalse(Identities.isMulticast(Identities.REGISTRY));
        assertFalse(Identities.isUnicast(Identities.SPINE));
        assertFalse(Identities.isMulticast(Identities.SPINE));
        assertTrue(Identities.isMulticast(0xAD1D00000001L));
        assertFalse(Identities.isUnicast(0xAD1D00000001L));
        assertFalse(Identities.isUnicast(0x1_AC1D_0000_0001L)); // more than 48 bits is neither
    }

    @Test
    void parseTetherIdForms() {
        long want = 0xAC1D12345678L;
        for (String s : new String[] {"ac:1d:12:34:56:78", "AC:1D:12:34:56:78", "ac-1d-12-34-56-78", "Ac1D12345678",
                "  ac:1d:12:34:56:78\n"}) {
            assertEquals(want, Identities.parseTetherId(s), s);
        }
        assertEquals("ac:1d:12:34:56:78", Identities.formatTetherId(want));
    }

    @Test
    void parseTetherIdRejectsWithAClearMessage() {
        for (String s : new String[] {"", "ac:1d:12:34:56", "ac:1d:12:34:56:7g", "ac:1d-12:34:56:78", "ac::1d:12:34:56:7",
                "ac:1d:12:34:56:78:9a", "+c1d12345678", "ac1d1234567٨", null}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Identities.parseTetherId(s), s);
            assertTrue(e.getMessage().startsWith("not a Tether ID: \"" + s + "\""), e.getMessage());
            assertTrue(e.getMessage().contains("ac:1d:12:34:56:78"), e.getMessage());
        }
    }

    @Test
    void cellIdText() {
        byte[] id = HEX.parseHex(CELL_1);
        assertEquals(CELL_1, Identities.formatCellId(id));
        assertArrayEquals(id, Identities.parseCellId(CELL_1.toUpperCase()));
        assertArrayEquals(id, Identities.parseCellId("7eb397dd-a09a-938a-41ec-30cdcfc1cf15"));
        for (String s : new String[] {"", "7eb397dd", CELL_1 + "0", CELL_1.replace('e', 'g'), null}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Identities.parseCellId(s), s);
            assertTrue(e.getMessage().contains("expected 32 hex digits"), e.getMessage());
        }
    }

    @Property
    void tetherIdTextRoundTrips(@ForAll @LongRange(min = 0, max = 0xFFFF_FFFF_FFFFL) long id) {
        String text = Identities.formatTetherId(id);
        assertEquals(text.toLowerCase(), text);
        assertEquals(id, Identities.parseTetherId(text));
        assertEquals(id, Identities.parseTetherId(text.toUpperCase().replace(':', '-')));
    }

    @Property
    void cellIdTextRoundTrips(@ForAll @Size(16) byte[] id) {
        assertArrayEquals(id, Identities.parseCellId(Identities.formatCellId(id)));
    }
}
