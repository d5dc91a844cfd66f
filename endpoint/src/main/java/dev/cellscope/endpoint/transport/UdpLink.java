package dev.cellscope.endpoint.transport;

import dev.cellscope.endpoint.core.Link;
import dev.cellscope.endpoint.core.Scheduler;
import dev.cellscope.nativetap.packet.PacketSocketException;
import dev.cellscope.nativetap.packet.UdpSocket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

/**
 * Cell payloads in UDP datagrams (one payload per datagram, port 34997 by default). A daemon
 * thread blocks in receive and posts what arrives to the {@link Scheduler}, so the stack still
 * sees frames on its own thread only. Sending is a blocking-when-full {@code send} from the
 * caller's thread; a refused send drops the datagram (the protocols recover).
 *
 * <p>Where the kernel offers it (Linux: {@code UDP_SEGMENT} and {@code UDP_GRO}) the link moves
 * many datagrams per system call through native-tap's {@link UdpSocket}: payloads sent to one
 * peer in one scheduler turn are gathered ({@link SegmentBatch}) and handed to the kernel
 * together when the batch is full, when the next payload cannot join it, or when the scheduler has
 * run what was due (a flush task posted with the batch's first payload); a receive may return a
 * train of coalesced datagrams, delivered in one task. On the wire they are ordinary datagrams.
 * The kernel traversal per datagram was most of a transfer's CPU time (bench/README.md, session 29).
 * Without the native socket (no FFM access, no such kernel, {@code -Dcellscope.udp.native=false})
 * the link uses a {@link DatagramChannel}, one datagram per call; {@link #offload()} says which.
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
    /** After a receive error that is not the socket closing: a pause, so a persistent error cannot spin a core. */
    private static final long ERROR_PAUSE_MILLIS = 50;

    private final UdpSocket socket;          // the native socket, or null ...
    private final DatagramChannel channel;   // ... and then this one
    private final String offload;
    private final Scheduler scheduler;
    private final Thread receiver;
    private volatile BiConsumer<InetSocketAddress, byte[]> onReceive;
    private volatile boolean closed;
    private final AtomicLong sendErrors = new AtomicLong(), sendCalls = new AtomicLong();
    private final AtomicInteger backlog = new AtomicInteger();
    private final AtomicLong pendingBytes = new AtomicLong();
    private volatile long intakeDrops;

    // sending through the native socket: the batch, and whether a flush task is queued (guarded by sendLock)
    private final ReentrantLock sendLock = new ReentrantLock();
    private final SegmentBatch batch;
    private boolean flushQueued;
    private volatile String segmentationRefused;
    /** Payloads of this size or more go one per call: the kernel refused to cut datagrams that large (over the route's MTU). */
    private volatile int segmentLimit = Integer.MAX_VALUE;

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
        UdpSocket s = null;
        String why;
        if (!Boolean.parseBoolean(System.getProperty("cellscope.udp.native", "true"))) {
            why = "off (-Dcellscope.udp.native=false)";
        } else {
            try {
                s = UdpSocket.open(bind, SOCKET_BUFFER);
                why = null;
            } catch (PacketSocketException e) {
                if ("EADDRINUSE".equals(e.errnoName())) throw inUse(bind, e);
                why = "off (" + e.getMessage() + ")";
            } catch (LinkageError | RuntimeException e) { // no native access (IllegalCallerException), no libc symbol
                why = "off (" + e + ")";
            }
        }
        socket = s;
        channel = s == null ? openChannel(bind) : null;
        offload = s == null ? why
                : (s.segmentOffload() ? "segmentation" : "no segmentation") + ", " + (s.receiveOffload() ? "coalescing" : "no coalescing");
        batch = s != null && s.segmentOffload() ? new SegmentBatch(UdpSocket.MAX_SEGMENTS, UdpSocket.MAX_BATCH_BYTES) : null;
        receiver = Thread.ofPlatform().name("udp-rx-" + localAddress().getPort()).daemon(true)
                .unstarted(socket != null ? this::receiveNative : this::receiveChannel);
        receiver.start();
    }

    private static DatagramChannel openChannel(InetSocketAddress bind) {
        try {
            DatagramChannel channel = DatagramChannel.open();
            channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
            try {
                channel.bind(bind);
            } catch (BindException e) {
                channel.close();
                throw inUse(bind, e);
            }
            return channel;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open UDP " + describe(bind) + ": " + e.getMessage(), e);
        }
    }

    private static UncheckedIOException inUse(InetSocketAddress bind, Exception e) {
        return new UncheckedIOException("UDP " + describe(bind) + " is already in use (another cellscope endpoint?): "
                + "choose another port or stop the other process", e instanceof IOException io ? io : new IOException(e.getMessage(), e));
    }

    private static String describe(InetSocketAddress a) {
        return (a.getAddress() == null || a.getAddress().isAnyLocalAddress() ? "*" : a.getAddress().getHostAddress()) + ":" + a.getPort();
    }

    public InetSocketAddress localAddress() {
        if (socket != null) return socket.localAddress();
        try {
            return (InetSocketAddress) channel.getLocalAddress();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * How datagrams move: "segmentation, coalescing" (many per system call each way, the native socket),
     * or "off (why)" (a {@link DatagramChannel}, one per call), followed by {@link #offloadTrouble()} if any.
     */
    public String offload() {
        String trouble = offloadTrouble();
        return trouble == null ? offload : offload + "; " + trouble;
    }

    /**
     * What the kernel refused on this route, or null: "segmentation refused, one datagram per call (…)" (EIO: the device cannot segment;
     * every datagram goes alone from then on), or "datagrams of N bytes or more one per call" (larger than the
     * route's MTU lets the kernel cut).
     */
    public String offloadTrouble() {
        String refused = segmentationRefused;
        int limit = segmentLimit;
        if (refused != null) return "segmentation refused, one datagram per call (" + refused + ")";
        return limit == Integer.MAX_VALUE ? null : "datagrams of " + limit + " bytes or more one per call";
    }

    /** System calls that sent datagrams: fewer than the datagrams sent where segmentation batches them. */
    public long sendCalls() {
        return sendCalls.get();
    }

    /** Datagrams dropped on receipt because {@link #MAX_BACKLOG} datagrams or {@link #MAX_PENDING_BYTES} were waiting. */
    public long intakeDrops() {
        return intakeDrops;
    }

    /** Datagrams the OS refused to send. */
    public long sendErrors() {
        return sendErrors.get();
    }

    @Override
    public void send(InetSocketAddress to, byte[] payload) {
        if (closed) return;
        if (channel != null) {
            sendCalls.incrementAndGet();
            try {
                channel.send(ByteBuffer.wrap(payload), to);
            } catch (IOException e) {
                sendErrors.incrementAndGet();
            }
            return;
        }
        sendLock.lock();
        try {
            if (batch == null || payload.length == 0 || payload.length >= segmentLimit || segmentationRefused != null) {
                sendOne(to, payload, payload.length);
                return;
            }
            if (!batch.accepts(to, payload.length)) flushLocked();
            batch.add(to, payload);
            if (!flushQueued) {
                flushQueued = true;
                scheduler.execute(this::flushTask); // after what the scheduler has due: the rest of this turn's sends
            }
        } finally {
            sendLock.unlock();
        }
    }

    private void flushTask() {
        sendLock.lock();
        try {
            flushQueued = false;
            flushLocked();
        } finally {
            sendLock.unlock();
        }
    }

    /**
     * Hands the batch to the kernel in one call. Where the kernel refuses it, the batch goes one datagram per call:
     * {@code EIO} (the route's device cannot segment) turns segmentation off for good; {@code EINVAL} or {@code EMSGSIZE}
     * (datagrams larger than the route's MTU: EMSGSIZE since Linux 6.x, EINVAL before) only for payloads of this size and larger.
     */
    private void flushLocked() {
        if (batch.isEmpty()) return;
        sendCalls.incrementAndGet();
        try {
            if (!socket.send(batch.to(), batch.buffer(), batch.length(), batch.segmentSize())) sendErrors.addAndGet(batch.count());
        } catch (PacketSocketException e) {
            String errno = e.errnoName();
            boolean tooLarge = "EINVAL".equals(errno) || "EMSGSIZE".equals(errno);
            if (batch.count() > 1 && (tooLarge || "EIO".equals(errno))) {
                if (tooLarge) segmentLimit = Math.min(segmentLimit, batch.segmentSize());
                else segmentationRefused = e.getMessage();
                byte[] buf = batch.buffer();
                for (int off = 0; off < batch.length(); off += batch.segmentSize()) {
                    int n = Math.min(batch.segmentSize(), batch.length() - off);
                    sendOne(batch.to(), Arrays.copyOfRange(buf, off, off + n), n);
                }
            } else {
                sendErrors.addAndGet(batch.count());
            }
        } finally {
            batch.clear();
        }
    }

    private void sendOne(InetSocketAddress to, byte[] payload, int length) {
        sendCalls.incrementAndGet();
        try {
            if (!socket.send(to, payload, length, Math.max(1, length))) sendErrors.incrementAndGet();
        } catch (PacketSocketException e) {
            sendErrors.incrementAndGet();
        }
    }

    @Override
    public void onReceive(BiConsumer<InetSocketAddress, byte[]> receiver) {
        this.onReceive = receiver;
    }

    private void receiveChannel() {
        ByteBuffer buf = ByteBuffer.allocate(MAX_DATAGRAM);
        while (!closed) {
            try {
                buf.clear();
                InetSocketAddress from = (InetSocketAddress) channel.receive(buf);
                if (from == null) continue;
                buf.flip();
                byte[] payload = admit(buf.array(), 0, buf.remaining());
                if (payload != null) deliver(from, new byte[][] {payload}, payload.length);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                // ICMP port unreachable and the like surface here on some systems: keep receiving.
            } catch (IllegalStateException e) {
                return; // the scheduler was closed under us
            }
        }
    }

    /** One receive may hold a train of coalesced datagrams of {@code segmentSize} each (the last may be shorter). */
    private void receiveNative() {
        byte[] buf = new byte[UdpSocket.RECEIVE_BUFFER];
        while (!closed) {
            UdpSocket.Received r;
            try {
                r = socket.receive(buf);
            } catch (PacketSocketException e) {
                if (closed) return;
                pause();
                continue;
            }
            if (r == null) return;
            int seg = Math.max(1, r.segmentSize());
            int n = r.length() == 0 ? 1 : (r.length() + seg - 1) / seg;
            byte[][] payloads = new byte[n][];
            int kept = 0, bytes = 0;
            for (int off = 0, i = 0; i < n; i++, off += seg) {
                byte[] p = admit(buf, off, Math.min(seg, r.length() - off));
                if (p == null) continue;
                payloads[kept++] = p;
                bytes += p.length;
            }
            if (kept == 0) continue;
            try {
                deliver(r.from(), kept == n ? payloads : Arrays.copyOf(payloads, kept), bytes);
            } catch (IllegalStateException e) {
                return; // the scheduler was closed under us
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(ERROR_PAUSE_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A copy of one datagram when the scheduler's backlog has room for it, counted there; null (and an intake drop) when not. */
    private byte[] admit(byte[] buf, int off, int size) {
        if (backlog.get() >= MAX_BACKLOG || pendingBytes.get() + size > MAX_PENDING_BYTES) {
            intakeDrops++; // only the receive thread writes it
            return null;
        }
        backlog.incrementAndGet();
        pendingBytes.addAndGet(size);
        return Arrays.copyOfRange(buf, off, off + size);
    }

    /** Hands admitted datagrams to the stack, in order, in one scheduler task. */
    private void deliver(InetSocketAddress from, byte[][] payloads, int bytes) {
        scheduler.execute(() -> {
            backlog.addAndGet(-payloads.length);
            pendingBytes.addAndGet(-bytes);
            BiConsumer<InetSocketAddress, byte[]> r = onReceive;
            if (r == null) return;
            for (byte[] p : payloads) {
                if (closed) return;
                r.accept(from, p);
            }
        });
    }

    /** Sends what is batched, then closes the socket (a blocked receive returns). */
    @Override
    public void close() {
        if (socket != null && batch != null) {
            sendLock.lock();
            try {
                if (!closed) flushLocked();
            } finally {
                sendLock.unlock();
            }
        }
        closed = true;
        if (socket != null) {
            socket.close();
            return;
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
