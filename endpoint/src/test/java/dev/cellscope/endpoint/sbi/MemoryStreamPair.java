package dev.cellscope.endpoint.sbi;

import dev.cellscope.endpoint.core.VirtualScheduler;
import java.io.ByteArrayOutputStream;
import java.util.ArrayDeque;
import java.util.Random;

/**
 * Two connected in-memory {@link SbiStream} ends over a {@link VirtualScheduler}. Bytes sent on one
 * end reach the other in random chunk sizes (1 byte up to 256 KiB), so messages are split across
 * chunks and several travel in one. Every byte sent is also kept, for checking the wire.
 */
final class MemoryStreamPair {
    final End a, b;

    MemoryStreamPair(VirtualScheduler scheduler, long seed) {
        Random rnd = new Random(seed);
        a = new End(scheduler, rnd);
        b = new End(scheduler, rnd);
        a.other = b;
        b.other = a;
    }

    static final class End implements SbiStream {
        private final VirtualScheduler scheduler;
        private final Random rnd;
        private End other;
        private SbiStream.Receiver receiver;
        private final ArrayDeque<byte[]> pending = new ArrayDeque<>(); // bytes on their way to `other`
        private int headOffset;
        private boolean delivering, closeAfterDelivery, closed;
        final ByteArrayOutputStream wire = new ByteArrayOutputStream();
        String closeReason;

        End(VirtualScheduler scheduler, Random rnd) {
            this.scheduler = scheduler;
            this.rnd = rnd;
        }

        void connect(SbiStream.Receiver r) {
            this.receiver = r;
        }

        @Override
        public void send(byte[] bytes) {
            if (closed) return;
            wire.writeBytes(bytes);
            pending.add(bytes);
            kick();
        }

        @Override
        public void close(String reason) {
            if (closed) return;
            closed = true;
            closeReason = reason;
            closeAfterDelivery = true;
            kick();
        }

        private void kick() {
            if (delivering) return;
            delivering = true;
            scheduler.execute(this::deliver);
        }

        /** Delivers one random-size chunk, then schedules the next. */
        private void deliver() {
            if (pending.isEmpty()) {
                delivering = false;
                if (closeAfterDelivery) {
                    closeAfterDelivery = false;
                    if (other.receiver != null) other.receiver.onClosed("closed by the peer");
                }
                return;
            }
            int want = rnd.nextBoolean() ? 1 + rnd.nextInt(64) : 1 + rnd.nextInt(256 * 1024);
            ByteArrayOutputStream chunk = new ByteArrayOutputStream();
            while (want > 0 && !pending.isEmpty()) {
                byte[] head = pending.peek();
                int take = Math.min(want, head.length - headOffset);
                chunk.write(head, headOffset, take);
                headOffset += take;
                want -= take;
                if (headOffset == head.length) {
                    pending.poll();
                    headOffset = 0;
                }
            }
            if (other.receiver != null && !other.closed) other.receiver.onBytes(chunk.toByteArray());
            scheduler.execute(this::deliver);
        }
    }
}
