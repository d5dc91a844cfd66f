package dev.cellscope.endpoint.tether;

import dev.cellscope.endpoint.core.Link;
import dev.cellscope.endpoint.core.VirtualScheduler;
import dev.cellscope.endpoint.sim.Fate;
import dev.cellscope.endpoint.sim.FaultModel;
import dev.cellscope.endpoint.sim.MemoryWire;
import dev.cellscope.wire.Decoded;
import dev.cellscope.wire.TetherFrame;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * One sender (port "a") → receiver (port "b") transfer over a seeded {@link MemoryWire}, recording
 * every frame as it entered the wire. (The analyser's verdict on those frames is checked in the
 * samples module's tests, which see both the endpoint and the dissector: {@code TetherTap}.)
 */
final class TetherHarness {
    static final long SENDER = 0xAC1D00000001L, RECEIVER = 0xAC1D00000002L;

    /** 2026-01-01T00:00:00Z: a plausible UTC start, so TAI64N labels look real. */
    static final long EPOCH = 1_767_225_600_000_000_000L;
    /** No faults: 1 Gbit/s, 50 µs one way. */
    static final FaultModel CLEAN = faults(0, 0, 0, 0);

    /** A frame as it entered the wire (before any fault: what a capture at the senders' NICs shows), and what the wire did to it. */
    record Sent(long timeNanos, String from, byte[] bytes, Set<Fate> faults) {
    }

    final VirtualScheduler scheduler = new VirtualScheduler(EPOCH);
    final MemoryWire wire;
    final Link<String> a, b;
    /** Every frame sent, in send order. */
    final List<Sent> sent = new ArrayList<>();
    final byte[] content;
    TetherSenderConfig senderConfig;
    TetherReceiverConfig receiverConfig;
    TetherSender<String> sender;
    TetherReceiver<String> receiver;
    final List<String> events = new ArrayList<>();
    Reception reception;

    /**
     * The wire these tests use, with the given fault probabilities: 1 Gbit/s, 50 µs one way; a
     * reordered frame arrives 150 µs late (past about 18 full-size frames), a duplicate 25 µs after its original.
     */
    static FaultModel faults(double loss, double reorder, double duplicate, double corrupt) {
        return new FaultModel(loss, reorder, duplicate, corrupt, 125_000_000L, 50_000, 0, 150_000, 25_000);
    }

    TetherHarness(long seed, int bytes, FaultModel faults) {
        wire = new MemoryWire(scheduler, faults, seed);
        wire.onSend((time, from, to, payload, done) -> sent.add(new Sent(time, from, payload, Set.copyOf(done))));
        a = wire.port("a");
        b = wire.port("b");
        content = new byte[bytes];
        new Random(seed ^ 0x5EED).nextBytes(content);
        senderConfig = TetherSenderConfig.of(SENDER, RECEIVER).withTiming(8_000_000L, 20, 30_000_000_000L);
        receiverConfig = TetherReceiverConfig.of(RECEIVER).withWindow(64 * 1024)
                .withTiming(1_000_000L, 5_000_000L, 20_000_000L);
    }

    TetherHarness build() {
        receiver = new TetherReceiver<>(b, scheduler, receiverConfig)
                .listener(e -> events.add("R " + e)).onReception(r -> reception = r).start();
        sender = new TetherSender<>(a, scheduler, "b", senderConfig, content).listener(e -> events.add("S " + e));
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

    /** A frame the stack sent, decoded (it must decode). */
    static TetherFrame frame(byte[] bytes) {
        return ((Decoded.Ok<TetherFrame>) TetherFrame.decode(bytes)).value();
    }

    /** How many frames sent the wire did {@code fault} to. */
    long sentWith(Fate fault) {
        return sent.stream().filter(t -> t.faults().contains(fault)).count();
    }
}
