package dev.cellscope.endpoint.stack;

import dev.cellscope.endpoint.core.Link;
import dev.cellscope.wire.Decoded;
import dev.cellscope.wire.TetherHeader;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import java.util.function.LongPredicate;

/**
 * Lets only Tether frames from accepted senders through to the receiver (one named sender, or
 * the address book's allow-list). Filtered below the receiver, so a stranger's Lamp
 * is not even answered. Payloads that are not Tether pass: the receiver counts them malformed.
 */
public final class SenderFilter<A> implements Link<A> {
    private final Link<A> inner;
    private final LongPredicate accepted;
    private final AtomicLong refused = new AtomicLong();

    public SenderFilter(Link<A> inner, LongPredicate accepted) {
        this.inner = inner;
        this.accepted = accepted;
    }

    @Override
    public void send(A to, byte[] payload) {
        inner.send(to, payload);
    }

    @Override
    public void onReceive(BiConsumer<A, byte[]> receiver) {
        inner.onReceive((from, payload) -> {
            if (TetherHeader.decode(payload) instanceof Decoded.Ok<TetherHeader>(TetherHeader h, int ignored) && !accepted.test(h.sender())) {
                refused.incrementAndGet();
                return;
            }
            receiver.accept(from, payload);
        });
    }

    /** Frames dropped for their sender. */
    public long refused() {
        return refused.get();
    }

    @Override
    public void close() {
        inner.close();
    }
}
