package dev.cellscope.endpoint.tether;

import dev.cellscope.endpoint.core.VirtualScheduler;
import dev.cellscope.analysis.TetherFrameResult;
import dev.cellscope.analysis.TetherLedger;
import dev.cellscope.analysis.TetherObservation;
import dev.cellscope.wire.Decoded;
import dev.cellscope.wire.TetherFrame;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** One sender → receiver transfer over the test doubles, and the analyzer's verdict on its tap. */
final class TetherHarness {
    static final long SENDER = 0xAC1D00000001L, RECEIVER = 0xAC1D00000002L;

    /** 2026-01-01T00:00:00Z: a plausible UTC start, so TAI64N labels look real. */
    static final long EPOCH = 1_767_225_600_000_000_000L;
    final VirtualScheduler scheduler = new VirtualScheduler(EPOCH);
    final TestImpairedLink link;
    final byte[] content;
    TetherSenderConfig senderConfig;
    TetherReceiverConfig receiverConfig;
    TetherSender<String> sender;
    TetherReceiver<String> receiver;
    final List<String> events = new ArrayList<>();
    Reception reception;

    TetherHarness(long seed, int bytes, TestImpairedLink.Impairments impairments) {
        link = new TestImpairedLink(scheduler, seed, impairments, 50_000, 1_000_000_000L);
        content = new byte[bytes];
        new Random(seed ^ 0x5EED).nextBytes(content);
        senderConfig = TetherSenderConfig.of(SENDER, RECEIVER).withTiming(8_000_000L, 20, 30_000_000_000L);
        receiverConfig = TetherReceiverConfig.of(RECEIVER).withWindow(64 * 1024)
                .withTiming(1_000_000L, 5_000_000L, 20_000_000L);
    }

    TetherHarness build() {
        receiver = new TetherReceiver<>(link.b(), scheduler, receiverConfig)
                .listener(e -> events.add("R " + e)).onReception(r -> reception = r).start();
        sender = new TetherSender<>(link.a(), scheduler, "b", senderConfig, content).listener(e -> events.add("S " + e));
        return this;
    }

    SendResult run() {
        if (sender == null) build();
        var done = sender.start();
        scheduler.runUntil(done::isDone, 120_000_000_000L);
        // Let what is still on the wire arrive, so drop counters are final.
        scheduler.runUntil(() -> false, 1_000_000_000L);
        return done.getNow(null);
    }

    /** Every frame the tap saw, in the order it saw them, through cellscope's analyzer. */
    List<TetherFrameResult> analyze(TetherLedger ledger) {
        List<TetherFrameResult> out = new ArrayList<>();
        long n = 0;
        for (TestImpairedLink.Tapped t : link.tap) {
            if (!(TetherFrame.decode(t.bytes()) instanceof Decoded.Ok<TetherFrame>(TetherFrame f, int ignored))) {
                throw new AssertionError("tap saw a frame that does not decode");
            }
            out.add(ledger.observe(TetherObservation.from(++n, t.timeNanos(), f)));
        }
        return out;
    }

    long tapCount(String fatePart) {
        return link.tap.stream().filter(t -> t.fate().contains(fatePart)).count();
    }
}
