package dev.cellscope.endpoint.tether;

import dev.cellscope.endpoint.core.Link;
import dev.cellscope.endpoint.core.Scheduler;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiConsumer;

/**
 * TEST DOUBLE: an in-memory point-to-point wire between two ports ("a" and "b") for these tests
 * only, until core's MemoryWire lands. Each direction serialises frames at {@code bitsPerSecond}
 * after a fixed latency, and with a seeded {@link Random} loses, reorders (extra delay),
 * duplicates and corrupts (one flipped bit) them. A {@link #tap} records every frame as it
 * enters the wire, before any impairment: what a capture at the senders' NICs would show.
 */
final class TestImpairedLink {
    record Impairments(double loss, double reorder, double duplicate, double corrupt) {
        static final Impairments NONE = new Impairments(0, 0, 0, 0);
    }

    /** A frame as it entered the wire, and what the wire did to it. */
    record Tapped(long timeNanos, String from, byte[] bytes, String fate) { }

    private final Scheduler scheduler;
    private final Random random;
    private Impairments impairments;
    /** Frames for which this answers true are lost on purpose (scripted loss), before the random impairments. */
    java.util.function.Predicate<byte[]> drop = bytes -> false;
    private final long latencyNanos, bitsPerSecond;
    final List<Tapped> tap = new ArrayList<>();
    private final End a = new End("a"), b = new End("b");

    TestImpairedLink(Scheduler scheduler, long seed, Impairments impairments, long latencyNanos, long bitsPerSecond) {
        this.scheduler = scheduler;
        this.random = new Random(seed);
        this.impairments = impairments;
        this.latencyNanos = latencyNanos;
        this.bitsPerSecond = bitsPerSecond;
        a.peer = b;
        b.peer = a;
    }

    Link<String> a() { return a; }
    Link<String> b() { return b; }

    void impairments(Impairments i) {
        impairments = i;
    }

    private final class End implements Link<String> {
        final String name;
        End peer;
        BiConsumer<String, byte[]> receiver = (f, p) -> { };
        long busyUntil;

        End(String name) {
            this.name = name;
        }

        @Override
        public void send(String to, byte[] payload) {
            long now = scheduler.clock().nanos();
            byte[] copy = payload.clone();
            long start = Math.max(now, busyUntil);
            busyUntil = start + copy.length * 8L * 1_000_000_000L / bitsPerSecond;
            long arrive = busyUntil + latencyNanos;
            String fate = "delivered";
            if (!to.equals(peer.name)) fate = "no such port";
            else if (drop.test(copy)) fate = "dropped";
            else if (random.nextDouble() < impairments.loss()) fate = "lost";
            else {
                if (random.nextDouble() < impairments.corrupt()) {
                    copy = copy.clone();
                    int bit = random.nextInt(copy.length * 8);
                    copy[bit / 8] ^= (byte) (1 << (bit % 8));
                    fate = "corrupted";
                }
                if (random.nextDouble() < impairments.reorder()) {
                    arrive += latencyNanos * (1 + random.nextInt(4));
                    fate += ",reordered";
                }
                deliver(arrive, copy);
                if (random.nextDouble() < impairments.duplicate()) {
                    deliver(arrive + latencyNanos / 2, copy);
                    fate += ",duplicated";
                }
            }
            tap.add(new Tapped(now, name, payload.clone(), fate));
        }

        private void deliver(long at, byte[] bytes) {
            End dst = peer;
            scheduler.schedule(at - scheduler.clock().nanos(), () -> dst.receiver.accept(name, bytes.clone()));
        }

        @Override
        public void onReceive(BiConsumer<String, byte[]> r) {
            receiver = r;
        }

        @Override
        public void close() { }
    }
}
