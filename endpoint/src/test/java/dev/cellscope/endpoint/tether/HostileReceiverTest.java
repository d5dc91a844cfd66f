package dev.cellscope.endpoint.tether;

import dev.cellscope.protocol.tether.TetherFlags;
import dev.cellscope.wire.TetherControl.BulkNack;
import dev.cellscope.wire.TetherControl.Define;
import dev.cellscope.wire.TetherFrame;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A sender against a hand-driven receiver at wire port "b" (review of tether-send). The receiver's {@link TetherPort}
 * answers the Lamp; the test grants, NACKs and confirms as it likes. Virtual time.
 */
class HostileReceiverTest {
    /** 8 slots of 1024 bytes. */
    private static final int BYTES = 8 * 1024;

    private final TetherHarness h = new TetherHarness(5, BYTES, TetherHarness.CLEAN);
    private final TetherPort<String> rx = new TetherPort<>(TetherHarness.RECEIVER, h.b, h.scheduler, new TetherCounters(), 4096);
    private final List<TetherFrame> data = new ArrayList<>();

    /** Attaches the hostile receiver: it grants {@code window} on the data flow once the Define comes, then calls {@code onData}. */
    private void receiver(long window, BiConsumer<TetherPort<String>, TetherFrame> onData) {
        rx.attach((from, frame) -> {
            if (TetherPort.control(frame) instanceof Define) grant(window);
            if (frame.header().flowId() == 1 && frame.payload().length() > 0) {
                data.add(frame);
                onData.accept(rx, frame);
            }
        });
        h.sender = new TetherSender<>(h.a, h.scheduler, "b", h.senderConfig, h.content).listener(e -> h.events.add("S " + e));
    }

    private void grant(long amount) {
        rx.send("a", TetherHarness.SENDER, 1, TetherFlags.LAMP, 0, amount, 0, new byte[0]);
    }

    private void confirm(int flags) {
        rx.send("a", TetherHarness.SENDER, 1, flags, 8, 0, 0, new byte[0]);
    }

    @Test
    void nacksOfSlotsNeverSentAreIgnoredAndCounted() {
        receiver(1 << 20, (port, f) -> {
            if (f.header().slotId() == 7 && data.size() == 8) {
                port.send("a", TetherHarness.SENDER, 1, TetherFlags.LAMP, 0, 0, Long.MIN_VALUE, new byte[0]); // 2^63
                port.send("a", TetherHarness.SENDER, 1, TetherFlags.LAMP, 0, 0, -1L, new byte[0]);            // 2^64-1
                port.sendControl("a", TetherHarness.SENDER, 0, 0, new BulkNack(1, new long[] {Long.MIN_VALUE, 7, 1L << 62}));
            }
        });
        var done = h.sender.start();
        h.scheduler.runUntil(() -> data.size() >= 9, 5_000_000_000L);
        h.scheduler.runUntil(() -> false, 50_000_000L);
        assertEquals(9, data.size(), "8 slots and the re-send of slot 7: " + h.events);
        assertEquals(7, data.getLast().header().slotId());
        assertTrue(data.stream().allMatch(f -> Long.compareUnsigned(f.header().slotId(), 8) < 0), "a data frame labelled a slot past the end");
        assertEquals(4, h.sender.stats().malformed(), h.events.toString()); // 2^63 twice, 2^64-1, 2^62
        confirm(TetherFlags.LAMP | TetherFlags.SYNC);
        h.scheduler.runUntil(done::isDone, 1_000_000_000L);
        assertEquals(SendResult.Status.CONFIRMED, done.join().status());
    }

    @Test
    void syncWithoutLampIsNotAConfirmation() {
        receiver(1 << 20, (port, f) -> { });
        var done = h.sender.start();
        h.scheduler.runUntil(() -> data.size() >= 8, 5_000_000_000L);
        h.scheduler.runUntil(() -> false, 10_000_000L);
        confirm(TetherFlags.SYNC);
        h.scheduler.runUntil(() -> false, 10_000_000L);
        assertFalse(done.isDone(), "confirmed by a SYNC frame without LAMP: " + h.events);
        confirm(TetherFlags.LAMP | TetherFlags.SYNC);
        h.scheduler.runUntil(done::isDone, 1_000_000_000L);
        assertEquals(SendResult.Status.CONFIRMED, done.join().status());
    }

    @Test
    void aHugeGrantSaturatesTheGrantCounterInsteadOfWrapping() {
        receiver(1 << 20, (port, f) -> { });
        h.sender.start();
        h.scheduler.runUntil(() -> data.size() >= 8, 5_000_000_000L);
        grant(-1L); // 2^64-1
        h.scheduler.runUntil(() -> false, 1_000_000L);
        grant(4096);
        h.scheduler.runUntil(() -> false, 1_000_000L);
        assertEquals(Long.MAX_VALUE, h.sender.stats().grantBytesReceived());
    }

    /**
     * The receiver's ID is public: a forged LAMP|SYNC confirmation from another address (and forged NACKs) must not
     * end the transfer CONFIRMED while the real receiver has nothing (review of the tether fixes: the sender took
     * frames claiming the receiver from any address). They are dropped and counted as stray.
     */
    @Test
    void framesClaimingTheReceiverFromAnotherAddressAreIgnored() {
        TetherPort<String> spoofer = new TetherPort<>(TetherHarness.RECEIVER, h.wire.port("c"), h.scheduler, new TetherCounters(), 0);
        receiver(1 << 20, (port, f) -> {
            if (data.size() == 8) {
                spoofer.send("a", TetherHarness.SENDER, 1, TetherFlags.LAMP | TetherFlags.SYNC, 8, 0, 0, new byte[0]);
                spoofer.send("a", TetherHarness.SENDER, 1, TetherFlags.LAMP, 0, 1 << 20, 3, new byte[0]);
            }
        });
        var done = h.sender.start();
        h.scheduler.runUntil(() -> data.size() >= 8, 5_000_000_000L);
        h.scheduler.runUntil(() -> false, 20_000_000L);
        assertFalse(done.isDone(), "confirmed by a forged frame: " + h.events);
        assertEquals(8, data.size(), "slot 3 re-sent on a forged NACK: " + h.events);
        assertEquals(2, h.sender.stats().strayFrames());
        assertTrue(h.sender.stats().grantBytesReceived() < 2 << 20, "the forged grant of 1 MiB was credited: " + h.sender.stats());
        confirm(TetherFlags.LAMP | TetherFlags.SYNC);
        h.scheduler.runUntil(done::isDone, 1_000_000_000L);
        assertEquals(SendResult.Status.CONFIRMED, done.join().status());
    }
}
