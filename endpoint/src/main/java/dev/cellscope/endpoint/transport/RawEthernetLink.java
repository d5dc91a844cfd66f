package dev.cellscope.endpoint.transport;

import dev.cellscope.endpoint.core.Link;
import dev.cellscope.endpoint.core.Scheduler;
import dev.cellscope.nativetap.packet.MacAddress;
import dev.cellscope.nativetap.packet.PacketSocket;
import dev.cellscope.nativetap.packet.PacketSocketException;
import dev.cellscope.nativetap.packet.ReceivedFrame;

import java.util.Arrays;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * Cell payloads in raw Ethernet frames of EtherType 0x88B5 on one interface, through an
 * AF_PACKET socket ({@link PacketSocket}); neighbours are 48-bit MACs in a {@code long}
 * ({@code 0x020000000001L} is {@code 02:00:00:00:00:01}). Built like {@link UdpLink}: a daemon
 * thread blocks in receive and posts each payload to the {@link Scheduler}, sending is a
 * non-blocking write from the caller's thread, and a full or broken link drops the payload.
 *
 * <p>Ethernet pads frames to 60 bytes, so a payload shorter than 46 bytes arrives with zero
 * bytes after it: this link does not remove them, because the frame does not say how many
 * there are. UTCP and Tether carry their own lengths and ignore the tail.
 *
 * <p>Needs root or CAP_NET_RAW; see {@link PacketSocket} for what is filtered on receive
 * (our own frames, other hosts' frames, VLAN-tagged frames with a non-zero VLAN id).
 */
public final class RawEthernetLink implements Link<Long> {

    private static final int RECEIVE_BUFFER = 65_536;
    /** After a receive error (e.g. the interface went down): a pause, so a persistent error cannot spin a core. */
    private static final long ERROR_PAUSE_MILLIS = 50;

    private final PacketSocket socket;
    private final Scheduler scheduler;
    private final Thread receiver;
    private final AtomicLong sendErrors = new AtomicLong(), receiveErrors = new AtomicLong();
    private volatile BiConsumer<Long, byte[]> onReceive;
    private volatile String lastError;
    private volatile boolean closed;

    /** Opens interface {@code ifname} for EtherType 0x88B5. */
    public static RawEthernetLink open(String ifname, Scheduler scheduler) {
        return open(ifname, PacketSocket.ETHERTYPE_CELL, scheduler);
    }

    /**
     * Opens interface {@code ifname} for frames of {@code etherType}.
     *
     * @throws PacketSocketException "no network interface 'X'", "AF_PACKET needs root or
     *                               CAP_NET_RAW (socket: EPERM)", or another failed call with its errno
     */
    public static RawEthernetLink open(String ifname, int etherType, Scheduler scheduler) {
        Objects.requireNonNull(scheduler);
        return new RawEthernetLink(PacketSocket.open(ifname, etherType), scheduler);
    }

    private RawEthernetLink(PacketSocket socket, Scheduler scheduler) {
        this.socket = socket;
        this.scheduler = scheduler;
        receiver = Thread.ofPlatform().name("raw-rx-" + socket.interfaceName()).daemon(true).unstarted(this::receiveLoop);
        receiver.start();
    }

    /** Our MAC: the neighbours' address for us. */
    public long localMac() {
        return socket.mac();
    }

    public String interfaceName() {
        return socket.interfaceName();
    }

    /** Payloads not sent: a full socket buffer, or the kernel refused them (interface down, over the MTU). */
    public long sendErrors() {
        return sendErrors.get();
    }

    /** Receive calls that failed (the interface went down, for instance); the thread carries on. */
    public long receiveErrors() {
        return receiveErrors.get();
    }

    /** The message of the latest send or receive error, or null. */
    public String lastError() {
        return lastError;
    }

    @Override
    public void send(Long to, byte[] payload) {
        if (closed) return;
        try {
            if (!socket.send(to, payload)) sendErrors.incrementAndGet(); // full buffer (or closed meanwhile)
        } catch (PacketSocketException e) {
            sendErrors.incrementAndGet();
            lastError = e.getMessage();
        }
    }

    @Override
    public void onReceive(BiConsumer<Long, byte[]> receiver) {
        this.onReceive = receiver;
    }

    private void receiveLoop() {
        byte[] buf = new byte[RECEIVE_BUFFER];
        while (!closed) {
            ReceivedFrame f;
            try {
                f = socket.receive(buf, -1); // returns null at once when close() closes the socket
            } catch (PacketSocketException e) {
                receiveErrors.incrementAndGet();
                lastError = e.getMessage();
                pause();
                continue;
            }
            if (f == null) continue;
            if (f.truncated()) { // cannot happen below a 64 KiB MTU; a cut payload would only mislead the stack
                receiveErrors.incrementAndGet();
                continue;
            }
            Long from = f.srcMac();
            byte[] payload = Arrays.copyOf(buf, f.length());
            try {
                scheduler.execute(() -> {
                    BiConsumer<Long, byte[]> r = onReceive;
                    if (r != null && !closed) r.accept(from, payload);
                });
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

    /** Closes the socket, which wakes the receive thread; waits briefly for it to end. */
    @Override
    public void close() {
        closed = true;
        socket.close();
        if (Thread.currentThread() != receiver) {
            try {
                receiver.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return "RawEthernetLink[" + socket.interfaceName() + " " + MacAddress.format(socket.mac()) + "]";
    }
}
