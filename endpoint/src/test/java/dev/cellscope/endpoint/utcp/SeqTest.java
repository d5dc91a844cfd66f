package dev.cellscope.endpoint.utcp;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class SeqTest {
    @Test
    void unwrapsAcrossTheU32Boundary() {
        long near = 0xFFFF_FFF0L;
        assertEquals(0x1_0000_0005L, Seq.unwrap(5, near));
        assertEquals(0xFFFF_FFE0L, Seq.unwrap(0xFFFF_FFE0L, near));
        assertEquals(5, Seq.wire(0x1_0000_0005L));
    }
}
