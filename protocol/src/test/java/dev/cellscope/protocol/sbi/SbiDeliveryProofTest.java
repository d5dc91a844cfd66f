package dev.cellscope.protocol.sbi;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The ends an SBI answer proves delivered: only new proof, only for recorded messages still remembered; the packet rule. */
class SbiDeliveryProofTest {

    @Test
    void anAnswerProvesTheEndOfTheAnsweredMessageOnce() {
        SbiDeliveryProof ends = new SbiDeliveryProof();
        for (int i = 0; i < 100; i++) ends.record(i, (i + 1) * 1000L);   // grows past its first 16 slots
        assertEquals(5000, ends.answered(4));
        assertEquals(-1, ends.answered(4), "already proven");
        assertEquals(-1, ends.answered(2), "an older answer proves nothing new");
        assertEquals(5000, ends.proven());
        assertEquals(100_000, ends.answered(99));
        assertEquals(-1, ends.answered(100), "never recorded");
        assertEquals(-1, ends.answered(-1));
    }

    @Test
    void anAnswerTooOldToRememberIsIgnored() {
        SbiDeliveryProof ends = new SbiDeliveryProof();
        int n = SbiDeliveryProof.DEFAULT_CAPACITY + 10;
        for (int i = 0; i < n; i++) ends.record(i, i + 1L);
        assertEquals(-1, ends.answered(5), "overwritten by newer messages");
        assertEquals(n, ends.answered(n - 1));
    }

    @Test
    void aSmallerCapacityForgetsSooner() {
        SbiDeliveryProof ends = new SbiDeliveryProof(16);
        for (int i = 0; i < 20; i++) ends.record(i, i + 1L);
        assertEquals(-1, ends.answered(3));
        assertEquals(5, ends.answered(4));
        assertThrows(IllegalArgumentException.class, () -> new SbiDeliveryProof(100));
    }

    @Test
    void messagesAreRecordedInOrder() {
        SbiDeliveryProof ends = new SbiDeliveryProof();
        ends.record(0, 10);
        assertEquals(1, ends.nextIndex());
        assertThrows(IllegalStateException.class, () -> ends.record(2, 20));
    }

    @Test
    void aPacketIsProvenOnlyWhollyWithinTheAnsweredMessage() {
        // A message ending at byte 2800 of the stream, whose last byte is in seq 1002.
        assertTrue(SbiDeliveryProof.packetDelivered(2800, 2800));
        assertFalse(SbiDeliveryProof.packetDelivered(2801, 2800));
        assertEquals(1003, SbiDeliveryProof.seqEnd(1002, 2800, 2800), "the message ends with packet 1002: 1002 is proven");
        assertEquals(1002, SbiDeliveryProof.seqEnd(1002, 4000, 2800), "1002 also holds the next message's bytes: not proven");
    }
}
