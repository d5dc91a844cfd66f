package dev.cellscope.wire;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/** {@link SbiContainer#validate} gives exactly the verdict {@link SbiContainer#decode} gives, without decoding. */
class SbiContainerValidateTest {

    private static void assertSameVerdict(int op, byte[] container) {
        MemorySegment seg = MemorySegment.ofArray(container);
        Decoded<SbiContainer> decoded = SbiContainer.decode(op, seg, 0, container.length);
        Decoded.Invalid<SbiContainer> invalid = SbiContainer.validate(op, seg, 0, container.length);
        String what = "op " + op + ", " + container.length + " bytes: " + decoded;
        if (decoded instanceof Decoded.Ok) {
            assertNull(invalid, what);
        } else {
            Decoded.Invalid<SbiContainer> bad = assertInstanceOf(Decoded.Invalid.class, decoded, what);
            assertEquals(bad, invalid, what);
        }
    }

    @Test
    void randomContainersOfEveryOp() {
        Random rnd = new Random(710);
        for (int op = 0; op < 256; op++) {
            for (int i = 0; i < 200; i++) {
                byte[] c = new byte[rnd.nextInt(i < 100 ? 120 : 2000)];
                rnd.nextBytes(c);
                assertSameVerdict(op, c);
            }
        }
    }

    @Test
    void validContainersAndTheirMutations() {
        Random rnd = new Random(39);
        List<SbiContainer> valid = List.of(
                new SbiHandshake(Bytes.zeros(32), 3, 0, 0, 65536, 1, 1),
                new SbiBlockWant(Bytes.zeros(32), 2),
                new SbiBlockPut(Bytes.zeros(32), 5, 2, 3, Bytes.of(new byte[100])),
                new SbiDagSync(Bytes.zeros(32), 1, List.of(Bytes.zeros(32), Bytes.zeros(32))),
                new SbiAck(9, 0),
                new SbiNack(4, 8, "malformed_container"),
                new SbiNack(4, 8, "é ü"));
        for (SbiContainer v : valid) {
            byte[] good = v.encode();
            assertNull(SbiContainer.validate(v.op(), MemorySegment.ofArray(good), 0, good.length), v.toString());
            for (int i = 0; i < 2000; i++) {
                byte[] c = good.clone();
                c[rnd.nextInt(c.length)] = (byte) rnd.nextInt(256);
                if (rnd.nextBoolean()) c = java.util.Arrays.copyOf(c, Math.max(0, c.length + rnd.nextInt(7) - 3));
                assertSameVerdict(v.op(), c);
            }
        }
    }

    @Test
    void aNackWhoseTextIsNotUtf8IsInvalidAtTheText() {
        byte[] c = new SbiNack(1, 4, "hash__").encode();
        c[12] = (byte) 0xC3;
        c[13] = (byte) 0x28;
        Decoded.Invalid<SbiContainer> invalid = SbiContainer.validate(SbiLayouts.OP_NACK, MemorySegment.ofArray(c), 0, c.length);
        assertNotNull(invalid);
        assertEquals("malformed: NACK error string is not valid UTF-8", invalid.cause());
        assertTrue(invalid.offset() >= SbiNack.errorOffset());
    }
}
