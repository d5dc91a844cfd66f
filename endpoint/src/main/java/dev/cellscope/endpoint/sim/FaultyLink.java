package dev.cellscope.endpoint.sim;

import dev.cellscope.endpoint.core.Link;
import dev.cellscope.endpoint.core.Scheduler;

import java.util.Random;
import java.util.function.BiConsumer;

/**
 * Fault injection on a real link, for tests and demos ({@code --loss --reorder --duplicate
 * --corrupt --seed}): each payload sent is dropped, held back, duplicated or has one byte
 * flipped, drawn from a seeded generator, before it reaches the wrapped link. Received
 * payloads pass untouched (faults are injected on send, at each end).
 */
public final class FaultyLink<A> implements Link<A> {
    private final Link<A> inner;
    private final Scheduler scheduler;
    private final FaultModel faults;
    private final Random random;
    private long dropped, reordered, duplicated, corrupted;

    public FaultyLink(Link<A> inner, Scheduler scheduler, FaultModel faults, long seed) {
        this.inner = inner;
        this.scheduler = scheduler;
        this.faults = faults;
        this.random = new Random(seed);
    }

    @Override
    public void send(A to, byte[] payload) {
        if (random.nextDouble() < faults.loss()) {
            dropped++;
            return;
        }
        byte[] p = payload;
        if (random.nextDouble() < faults.corrupt() && p.length > 0) {
            p = p.clone();
            p[random.nextInt(p.length)] ^= (byte) (1 << random.nextInt(8));
            corrupted++;
        }
        if (random.nextDouble() < faults.duplicate()) {
            duplicated++;
            byte[] copy = p;
            scheduler.schedule(faults.duplicateGapNanos(), () -> inner.send(to, copy));
        }
        if (random.nextDouble() < faults.reorder()) {
            reordered++;
            byte[] late = p;
            scheduler.schedule(faults.reorderDelayNanos(), () -> inner.send(to, late));
            return;
        }
        inner.send(to, p);
    }

    @Override
    public void onReceive(BiConsumer<A, byte[]> receiver) {
        inner.onReceive(receiver);
    }

    @Override
    public void close() {
        inner.close();
    }

    /** What was done to the payloads sent so far: dropped, reordered, duplicated, corrupted. */
    public String summary() {
        return "dropped " + dropped + ", reordered " + reordered + ", duplicated " + duplicated + ", corrupted " + corrupted;
    }
}
