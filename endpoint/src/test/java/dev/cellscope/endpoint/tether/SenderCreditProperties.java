package dev.cellscope.endpoint.tether;

import dev.cellscope.endpoint.core.Link;
import dev.cellscope.endpoint.core.VirtualScheduler;
import dev.cellscope.endpoint.sim.FaultModel;
import dev.cellscope.endpoint.sim.MemoryWire;
import dev.cellscope.wire.TetherControl;
import dev.cellscope.wire.TetherFrame;
import dev.cellscope.wire.TetherHeader;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;

import java.util.Random;
import java.util.function.BiConsumer;

import static dev.cellscope.endpoint.tether.TetherHarness.RECEIVER;
import static dev.cellscope.endpoint.tether.TetherHarness.SENDER;

/**
 * The sender never spends more than it was granted, whatever the grant schedule: a scripted
 * receiver answers the Lamp and then grants random amounts (not whole blocks) at random times
 * over a lossy wire; a probe on the sender's own link checks, at every frame it sends, that its
 * spending on each flow stays within the grants it has actually received on that flow.
 */
class SenderCreditProperties {

    @Property(tries = 40)
    void senderNeverExceedsGrantedCredit(@ForAll long seed) {
        VirtualScheduler scheduler = new VirtualScheduler(TetherHarness.EPOCH);
        // 1 Gbit/s, 30 µs one way; reordered frames 90 µs late, duplicates 15 µs after the original.
        MemoryWire wire = new MemoryWire(scheduler, new FaultModel(0.1, 0.05, 0.02, 0.01, 125_000_000L, 30_000, 0, 90_000, 15_000), seed);
        Random random = new Random(seed);
        byte[] content = new byte[20_000 + random.nextInt(60_000)];
        random.nextBytes(content);
        CreditProbe probe = new CreditProbe(wire.port("a"));
        TetherSender<String> sender = new TetherSender<>(probe, scheduler, "b",
                TetherSenderConfig.of(SENDER, RECEIVER).withSlotSize(64 * (1 + random.nextInt(24)))
                        .withTiming(5_000_000L, 50, 10_000_000_000L), content);

        Link<String> peer = wire.port("b");
        peer.onReceive((from, bytes) -> {
            if (!(TetherFrame.decode(bytes) instanceof dev.cellscope.wire.Decoded.Ok<TetherFrame>(TetherFrame f, int ignored))
                    || !f.checksumMatches(TetherPort.CRC)) return;
            if (TetherPort.isLamp(f)) peer.send("a", frame(scheduler, 0, 4096, TetherPort.hail()));
        });
        for (int i = 0; i < 300; i++) {
            long at = random.nextLong(200_000_000L);
            long grant = 1 + random.nextInt(6000);
            int flow = random.nextInt(10) == 0 ? 0 : 1;
            scheduler.schedule(at, () -> peer.send("a", flow == 0 ? frame(scheduler, 0, grant, TetherPort.hail())
                    : frame(scheduler, 1, grant, null)));
        }
        sender.start();
        scheduler.runUntil(() -> false, 300_000_000L);
        if (probe.sent == 0) throw new AssertionError("the sender never sent anything");
    }

    /** A frame from the scripted receiver: a Hail on flow 0 (paid from the Lamp's 128 for the first), or a LAMP grant header on flow 1. */
    static byte[] frame(VirtualScheduler s, int flow, long grant, TetherControl control) {
        long now = s.clock().nanos();
        TetherHeader h = new TetherHeader(flow, control == null ? TetherPort.FLAG_LAMP : 0, 0, RECEIVER, SENDER,
                dev.cellscope.wire.Tai64n.nanoOf(now), 0, grant, 0, 0, dev.cellscope.wire.Tai64n.labelOf(now));
        TetherFrame f = control == null ? new TetherFrame(h, dev.cellscope.wire.Bytes.EMPTY) : TetherFrame.control(h, control);
        return f.encodeWithChecksum(TetherPort.CRC);
    }

    /** Wraps the sender's link: counts grants delivered to it and checks every non-LAMP frame it sends against them. */
    static final class CreditProbe implements Link<String> {
        private final Link<String> inner;
        private final long[] granted = new long[2], spent = new long[2];
        private final java.util.Set<Long> seen = new java.util.HashSet<>();
        int sent;

        CreditProbe(Link<String> inner) {
            this.inner = inner;
        }

        @Override
        public void send(String to, byte[] payload) {
            TetherHeader h = TetherHarness.frame(payload).header();
            if ((h.flags() & TetherPort.FLAG_LAMP) == 0) {
                spent[h.flowId()] += payload.length;
                if (spent[h.flowId()] > granted[h.flowId()]) {
                    throw new AssertionError("overrun on flow " + h.flowId() + ": spent " + spent[h.flowId()]
                            + " of " + granted[h.flowId()]);
                }
            }
            sent++;
            inner.send(to, payload);
        }

        @Override
        public void onReceive(BiConsumer<String, byte[]> receiver) {
            inner.onReceive((from, bytes) -> {
                if (TetherFrame.decode(bytes) instanceof dev.cellscope.wire.Decoded.Ok<TetherFrame>(TetherFrame f, int ignored)
                        && f.checksumMatches(TetherPort.CRC) && f.header().flowId() < 2
                        && seen.add(f.header().checksum())) { // a wire copy grants nothing new
                    granted[f.header().flowId()] += f.header().grantAmount();
                }
                receiver.accept(from, bytes);
            });
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
