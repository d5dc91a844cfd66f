package dev.cellscope.endpoint.sbi;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/** The stream offsets an SBI answer proves delivered: only new proof, only for messages we sent and still remember. */
class SentMessageEndsTest {

    @Test
    void anAnswerProvesTheEndOfTheAnsweredMessageOnce() {
        SentMessageEnds ends = new SentMessageEnds();
        for (int i = 0; i < 100; i++) ends.sent(i, (i + 1) * 1000L);   // grows past its first 16 slots
        assertEquals(5000, ends.answered(4));
        assertEquals(-1, ends.answered(4), "already confirmed");
        assertEquals(-1, ends.answered(2), "an older answer proves nothing new");
        assertEquals(100_000, ends.answered(99));
        assertEquals(-1, ends.answered(100), "never sent");
        assertEquals(-1, ends.answered(-1));
    }

    @Test
    void anAnswerTooOldToRememberIsIgnored() {
        SentMessageEnds ends = new SentMessageEnds();
        int n = SentMessageEnds.CAPACITY + 10;
        for (int i = 0; i < n; i++) ends.sent(i, i + 1L);
        assertEquals(-1, ends.answered(5), "overwritten by newer messages");
        assertEquals(n, ends.answered(n - 1));
    }

    @Test
    void messagesAreRecordedInOrder() {
        SentMessageEnds ends = new SentMessageEnds();
        ends.sent(0, 10);
        assertThrows(IllegalStateException.class, () -> ends.sent(2, 20));
    }
}
