package dev.cellscope.crypto;

import dev.cellscope.wire.SbiLayouts;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SchemaFingerprintsTest {
    private static final HexFormat HEX = HexFormat.of();

    /** The six CLDs exactly as written in /work/shared/PROTOCOLS.md section 4, in op order. */
    static final List<String> CLDS = List.of(
            "SbiHandshake{peer_id:[32]u8@0;capabilities:u32@32;required_features:u32@36;optional_features:u32@40;block_size:u32@44;version:u16@48;replica_count:u8@50;_pad:u8@51}",
            "SbiBlockWant{block_hash:[32]u8@0;priority:u8@32}",
            "SbiBlockPut{block_hash:[32]u8@0;chunk_index:u32@32;comp_algo:u8@36;comp_level:u8@37;_pad:[2]u8@38}",
            "SbiDagSync{root_hash:[32]u8@0;depth:u16@32;node_count:u16@34}",
            "SbiAck{ref_seq:u32@0;status:u8@4;_pad:[3]u8@5}",
            "SbiNack{ref_seq:u32@0;error_code:u16@4;error_len:u16@6}");

    static final int[] OPS = {0x01, 0x10, 0x11, 0x20, 0xF0, 0xF1};

    /**
     * First 16 bytes of `printf '%s' 'CLD' | b3sum` (b3sum 1.2.0, independent of
     * BouncyCastle), one per CLD above, recorded when this test was written.
     */
    static final List<String> FINGERPRINTS = List.of(
            "cf1c1db39b72c86af3db4db812f62c51",  // 0x01 HANDSHAKE
            "454456991d48e7df21576f0a44686c18",  // 0x10 BLOCK_WANT
            "eb066382f3e391b0b9a47fc185a90723",  // 0x11 BLOCK_PUT
            "017bb4b02a6a1d34a10f560452f04b33",  // 0x20 DAG_SYNC
            "b4a3438bf1db3011237d178e726ede69",  // 0xF0 ACK
            "4148647531d522a538c7b6f659c86486"); // 0xF1 NACK

    @Test
    void layoutsProduceExactlyTheDocumentedClds() {
        for (int i = 0; i < OPS.length; i++) {
            assertEquals(CLDS.get(i), SbiLayouts.containerOf(OPS[i]).cld(), "op 0x" + Integer.toHexString(OPS[i]));
        }
        assertEquals(CLDS, SbiLayouts.CONTAINERS.stream().map(l -> l.cld()).toList());
    }

    @Test
    void fingerprintsMatchTheRecordedB3sumValues() {
        for (int i = 0; i < OPS.length; i++) {
            assertEquals(FINGERPRINTS.get(i), HEX.formatHex(SchemaFingerprints.of(CLDS.get(i))));
            assertEquals(FINGERPRINTS.get(i), HEX.formatHex(SchemaFingerprints.forOp(OPS[i])));
        }
    }

    @Test
    void fingerprintsMatchB3sumRunNow() throws Exception {
        assumeTrue(B3sum.present(), "b3sum not installed: skipping the live fingerprint cross-check");
        for (int i = 0; i < OPS.length; i++) {
            byte[] full = B3sum.shell("printf '%s' \"$CLD\" | " + B3sum.EXE + " --no-names", CLDS.get(i));
            assertEquals(HEX.formatHex(full, 0, 16), HEX.formatHex(SchemaFingerprints.forOp(OPS[i])), CLDS.get(i));
        }
    }

    @Test
    void allSixDistinctAndUnassignedOpsHaveNone() {
        Set<String> seen = new HashSet<>();
        for (int op : OPS) assertTrue(seen.add(HEX.formatHex(SchemaFingerprints.forOp(op))));
        assertEquals(6, seen.size());
        for (int op : new int[] {0, 2, 0x0F, 0x12, 0x21, 0xF2, 0xFF, -1, 256}) assertNull(SchemaFingerprints.forOp(op));
    }

    @Test
    void forOpReturnsACopy() {
        byte[] a = SchemaFingerprints.forOp(0x01);
        a[0] ^= 1;
        assertEquals(FINGERPRINTS.get(0), HEX.formatHex(SchemaFingerprints.forOp(0x01)));
    }

    @Test
    void opOfFindsEachFingerprintAtAnyOffset() {
        try (Arena arena = Arena.ofConfined()) {
            for (int i = 0; i < OPS.length; i++) {
                byte[] fp = HEX.parseHex(FINGERPRINTS.get(i));
                for (int off = 0; off < 9; off++) {
                    byte[] buf = new byte[off + 16 + 3];
                    System.arraycopy(fp, 0, buf, off, 16);
                    assertEquals(OPS[i], SchemaFingerprints.opOf(buf, off));
                    assertEquals(OPS[i], SchemaFingerprints.opOf(MemorySegment.ofArray(buf), off));
                    MemorySegment nat = arena.allocate(buf.length);
                    nat.copyFrom(MemorySegment.ofArray(buf));
                    assertEquals(OPS[i], SchemaFingerprints.opOf(nat, off));
                    // one flipped bit anywhere: unknown
                    for (int bit = 0; bit < 128; bit += 9) {
                        byte[] bad = buf.clone();
                        bad[off + bit / 8] ^= (byte) (1 << (bit % 8));
                        assertEquals(-1, SchemaFingerprints.opOf(bad, off));
                    }
                }
            }
        }
    }

    @Test
    void opOfOnShortOrOutOfRangeInputIsUnknownNotAnError() {
        byte[] fp = HEX.parseHex(FINGERPRINTS.get(0));
        assertEquals(-1, SchemaFingerprints.opOf(new byte[15], 0));
        assertEquals(-1, SchemaFingerprints.opOf(fp, 1));
        assertEquals(-1, SchemaFingerprints.opOf(fp, -1));
        assertEquals(-1, SchemaFingerprints.opOf(fp, Integer.MAX_VALUE));
        assertEquals(-1, SchemaFingerprints.opOf(MemorySegment.ofArray(fp), 1));
        assertEquals(-1, SchemaFingerprints.opOf(MemorySegment.ofArray(fp), Long.MAX_VALUE));
        assertEquals(-1, SchemaFingerprints.opOf(MemorySegment.NULL, 0));
        assertEquals(-1, SchemaFingerprints.opOf(new byte[64], 8)); // all zeros is no schema
    }

    @Test
    void opOfDoesNotAllocate() {
        var threads = ManagementFactory.getThreadMXBean();
        assumeTrue(threads instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter on this JVM");
        var mx = (com.sun.management.ThreadMXBean) threads;
        assumeTrue(mx.isThreadAllocatedMemorySupported() && mx.isThreadAllocatedMemoryEnabled(), "allocation counter off");
        byte[] buf = new byte[64];
        System.arraycopy(HEX.parseHex(FINGERPRINTS.get(5)), 0, buf, 8, 16);
        MemorySegment seg = MemorySegment.ofArray(buf);
        long sink = 0;
        for (int i = 0; i < 200_000; i++) sink += SchemaFingerprints.opOf(buf, i & 15) + SchemaFingerprints.opOf(seg, i & 15);
        long tid = Thread.currentThread().threadId();
        long before = mx.getThreadAllocatedBytes(tid);
        for (int i = 0; i < 100_000; i++) sink += SchemaFingerprints.opOf(buf, i & 15) + SchemaFingerprints.opOf(seg, i & 15);
        long allocated = mx.getThreadAllocatedBytes(tid) - before;
        assertTrue(sink != 0);
        // 200,000 lookups: anything per call would be megabytes; allow the counter call's own noise
        assertTrue(allocated < 4096, "opOf allocated " + allocated + " bytes over 200,000 calls");
    }

    @Test
    void ofMatchesBlake3Prefix() {
        byte[] full = Blake3.hash("x".getBytes());
        assertArrayEquals(java.util.Arrays.copyOf(full, 16), SchemaFingerprints.of("x"));
    }
}
