package dev.cellscope.endpoint.transport;

import dev.cellscope.endpoint.core.Link;
import dev.cellscope.endpoint.core.Scheduler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Cell payloads in UDP datagrams (one payload per datagram, port 34997 by default). A daemon
 * thread blocks in receive and posts each datagram to the {@link Scheduler}, so the stack still
 * sees frames on its own thread only. Sending is a non-blocking-ish {@code send} from the caller's
 * thread; a full socket buffer drops the datagram (the protocols recover).
 *
 * <p>What waits for the scheduler is bounded ({@link #MAX_PENDING_BYTES}): a peer flooding us
 * faster than the stack can process must not grow the queue without end. Past the bound a datagram
 * is dropped here, as a full socket buffer would drop it, and counted ({@link #intakeDrops}).
 */
public final class UdpLink implements Link<InetSocketAddress> {

    public static final int DEFAULT_PORT = 34997;
    /** Large socket buffers: UTCP sends paced bursts, and loss here costs NACK round trips. */
    private static final int SOCKET_BUFFER = 8 << 20;
    private static final int MAX_DATAGRAM = 65_535;
    /**
     * What may wait for the scheduler, at most: 16,384 datagrams and 16 MiB (twice the socket buffer).
     * Beyond either a flood is dropped at the socket (counted), so a scheduler busy answering cannot
     * accumulate an unbounded backlog.
     */
    public static final int MAX_BACKLOG = 16_384;
    static final long MAX_PENDING_BYTES = 16L << 20;

    private final DatagramChannel channel;
    private final Scheduler scheduler;
    private final Thread receiver;
    private volatile BiConsumer<InetSocketAddress, byte[]> onReceive;
    private volatile boolean closed;
    private long sendErrors;
    private final java.util.concurrent.atomic.AtomicInteger backlog = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicLong pendingBytes = new java.util.concurrent.atomic.AtomicLong();
    private volatile long intakeDrops;

    /** Binds {@code bind} (port 0 = ephemeral); fails with a clear message when the port is taken. */
    public static UdpLink bind(InetSocketAddress bind, Scheduler scheduler) {
        return new UdpLink(bind, scheduler);
    }

    /** Binds every interface on the default port 34997. */
    public static UdpLink bindDefault(Scheduler scheduler) {
        return bind(new InetSocketAddress(DEFAULT_PORT), scheduler);
    }

    private UdpLink(InetSocketAddress bind, Scheduler scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler);
        try {
            channel = DatagramChannel.open();
            channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
            try {
                channel.bind(bind);
            } catch (BindException e) {
                channel.close();
                throw new UncheckedIOException("UDP " + describe(bind) + " is already in use (another cellscope endpoint?): "
                        + "choose another port or stop the other process", e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open UDP " + describe(bind) + ": " + e.getMessage(), e);
        }
        receiver = Thread.ofPlatform().name("udp-rx-" + localAddress().getPort()).daemon(true).unstarted(this::receiveLoop);
        receiver.start();
    }

    private static String describe(InetSocketAddress a) {
        return (a.getAddress() == null || a.getAddress().isAnyLocalAddress() ? "*" : a.getAddress().getHostAddress()) + ":" + a.getPort();
    }

    public InetSocketAddress localAddress() {
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Datagrams dropped on receipt because {@link #MAX_BACKLOG} datagrams or {@link #MAX_PENDING_BYTES} were waiting. */
    public long intakeDrops() {
        return intakeDrops;
    }

    /** Datagrams the OS refused to send. */
    public long sendErrors() {
        return sendErrors;
    }

    @Override
    public void send(InetSocketAddress to, byte[] payload) {
        if (closed) return;
        try {
            channel.send(ByteBuffer.wrap(payload), to);
        } catch (IOException e) {
            sendErrors++;
        }
    }

    @Override
    public void onReceive(BiConsumer<InetSocketAddress, byte[]> receiver) {
        this.onReceive = receiver;
    }

    private void receiveLoop() {
        ByteBuffer buf = ByteBuffer.allocate(MAX_DATAGRAM);
        while (!closed) {
            try {
                buf.clear();
                InetSocketAddress from = (InetSocketAddress) channel.receive(buf);
                if (from == null) continue;
                buf.flip();
                int size = buf.remaining();
                if (backlog.get() >= MAX_BACKLOG || pendingBytes.get() + size > MAX_PENDING_BYTES) {
                    intakeDrops++; // only this thread writes it
                    continue;
                }
                byte[] payload = new byte[size];
                buf.get(payload);
                backlog.incrementAndGet();
                pendingBytes.addAndGet(size);
                scheduler.execute(() -> {
                    backlog.decrementAndGet();
                    pendingBytes.addAndGet(-size);
                    BiConsumer<InetSocketAddress, byte[]> r = onReceive;
                    if (r != null && !closed) r.accept(from, payload);
                });
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                // ICMP port unreachable and the like surface here on some systems: keep receiving.
            } catch (IllegalStateException e) {
                return; // the scheduler was closed under us
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
