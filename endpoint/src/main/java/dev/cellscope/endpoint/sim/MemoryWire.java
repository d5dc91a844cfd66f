package dev.cellscope.endpoint.sim;

import dev.cellscope.endpoint.core.Link;
import dev.cellscope.endpoint.core.VirtualScheduler;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import java.util.function.BiPredicate;

/**
 * A simulated switch: named ports, each a {@link Link}{@code <String>} addressed by the other
 * ports' names, carrying frames in virtual time through a seeded {@link FaultModel}. For a given
 * seed and the same sends, every fate and every arrival time is the same: each frame consumes a
 * fixed number of random draws, in send order.
 */
public final class MemoryWire {

    private final VirtualScheduler scheduler;
    private final SplittableRandom random;
    private final Map<String, Port> ports = new HashMap<>();
    /** Per direction (from + "\0" + to): when the link finishes serializing what it already carries. */
    private final Map<String, Long> busyUntil = new HashMap<>();
    private final List<WireTap> taps = new ArrayList<>();
    private final List<SendTap> sendTaps = new ArrayList<>();
    private BiPredicate<String, byte[]> scriptedLoss = (from, frame) -> false;
    private FaultModel faults;

    public MemoryWire(VirtualScheduler scheduler, FaultModel faults, long seed) {
        this.scheduler = Objects.requireNonNull(scheduler);
        this.faults = Objects.requireNonNull(faults);
        this.random = new SplittableRandom(seed);
    }

    /** Changes the faults for frames sent from now on (e.g. clean while opening, lossy afterwards). */
    public void faults(FaultModel model) {
        this.faults = Objects.requireNonNull(model);
    }

    public FaultModel faults() {
        return faults;
    }

    /** Adds a tap that sees every frame and its fate. */
    public void onWire(WireTap tap) {
        taps.add(Objects.requireNonNull(tap));
    }

    /** Adds a tap that sees every frame as it enters the wire, before any fault, with what the wire will do to it. */
    public void onSend(SendTap tap) {
        sendTaps.add(Objects.requireNonNull(tap));
    }

    /**
     * Drops every frame for which {@code rule} (given the sending port and the frame) answers true:
     * a scripted loss, on top of the fault model's. Such a frame still takes its random draws, so
     * the fates of the frames after it do not change.
     */
    public void dropWhen(BiPredicate<String, byte[]> rule) {
        this.scriptedLoss = Objects.requireNonNull(rule);
    }

    /** The port named {@code name}, created on first use. */
    public Link<String> port(String name) {
        return ports.computeIfAbsent(name, Port::new);
    }

    private final class Port implements Link<String> {
        final String name;
        BiConsumer<String, byte[]> receiver;
        boolean closed;

        Port(String name) {
            this.name = name;
        }

        @Override
        public void send(String to, byte[] payload) {
            if (!closed) carry(name, to, payload.clone());
        }

        @Override
        public void onReceive(BiConsumer<String, byte[]> receiver) {
            this.receiver = receiver;
        }

        @Override
        public void close() {
            closed = true;
            receiver = null;
        }
    }

    private void carry(String from, String to, byte[] frame) {
        FaultModel f = faults;
        long now = scheduler.now();
        // Always the same draws per frame, so one fault's probability does not shift the others' sequence.
        boolean lost = random.nextDouble() < f.loss();
        boolean reordered = random.nextDouble() < f.reorder();
        boolean duplicated = random.nextDouble() < f.duplicate();
        boolean corrupted = random.nextDouble() < f.corrupt();
        int corruptAt = random.nextInt(Math.max(1, frame.length));
        int corruptMask = 1 + random.nextInt(255);
        long jitter = f.jitterNanos() == 0 ? 0 : random.nextLong(f.jitterNanos() + 1);

        String direction = from + "\0" + to;
        long serialization = f.rateBytesPerSecond() == 0 ? 0 : frame.length * 1_000_000_000L / f.rateBytesPerSecond();
        long departed = Math.max(now, busyUntil.getOrDefault(direction, now)) + serialization;
        busyUntil.put(direction, departed);

        // The rule sees every frame (a lost one too), so "drop the first send of X" means the first.
        boolean scripted = scriptedLoss.test(from, frame);
        boolean dropped = scripted || lost || !ports.containsKey(to);
        if (!sendTaps.isEmpty()) {
            EnumSet<Fate> done = EnumSet.noneOf(Fate.class);
            if (dropped) {
                done.add(Fate.DROPPED);
            } else {
                if (corrupted && frame.length > 0) done.add(Fate.CORRUPTED);
                if (reordered) done.add(Fate.DELAYED);
                if (duplicated) done.add(Fate.DUPLICATED);
            }
            for (SendTap t : sendTaps) t.onSend(now, from, to, frame.clone(), done);
        }
        if (dropped) {
            tap(now, from, to, frame, Fate.DROPPED);
            return;
        }
        long arrival = departed + f.delayNanos() + jitter + (reordered ? f.reorderDelayNanos() : 0);
        byte[] delivered = frame;
        Fate fate = reordered ? Fate.DELAYED : Fate.DELIVERED;
        if (corrupted && frame.length > 0) {
            delivered = frame.clone();
            delivered[corruptAt] ^= (byte) corruptMask;
            fate = Fate.CORRUPTED;
        }
        deliver(arrival, from, to, delivered, fate);
        if (duplicated) deliver(arrival + f.duplicateGapNanos(), from, to, delivered.clone(), Fate.DUPLICATED);
    }

    private void deliver(long at, String from, String to, byte[] frame, Fate fate) {
        scheduler.schedule(at - scheduler.now(), () -> {
            tap(scheduler.now(), from, to, frame, fate);
            Port port = ports.get(to);
            if (port != null && port.receiver != null) port.receiver.accept(from, frame.clone());
        });
    }

    private void tap(long time, String from, String to, byte[] frame, Fate fate) {
        for (WireTap t : taps) t.onFrame(time, from, to, frame.clone(), fate);
    }
}
