package dev.cellscope.replay;

import dev.cellscope.nativetap.packet.FrameTransmitter;
import dev.cellscope.nativetap.packet.PacketSocketException;
import dev.cellscope.nativetap.packet.XdpTransmitter;

import java.lang.foreign.MemorySegment;

/**
 * Frames out of a network interface through native-tap's AF_XDP {@link XdpTransmitter} (TX ring,
 * UMEM chunks recycled from the completion ring; zero-copy where the driver allows it, copy mode
 * otherwise). The same contract as {@link InterfaceSender}, so {@link Replayer}'s pacing is unchanged.
 */
public final class XdpSender implements FrameSender {
    private final XdpTransmitter transmitter;
    private final boolean dry;

    private XdpSender(XdpTransmitter transmitter, boolean dry) {
        this.transmitter = transmitter;
        this.dry = dry;
    }

    /**
     * Opens queue 0 of {@code ifname} for sending.
     *
     * @throws ReplayException with native-tap's one line (no such interface, not root, no AF_XDP)
     */
    public static XdpSender open(String ifname) {
        try {
            return new XdpSender(XdpTransmitter.open(ifname), false);
        } catch (PacketSocketException | IllegalArgumentException e) {
            throw new ReplayException(e.getMessage());
        }
    }

    @Override
    public int maxBatch() {
        return XdpTransmitter.MAX_BATCH;
    }

    /** 20,000 kicks of an empty TX ring: a few milliseconds, after which the downcall is compiled. */
    @Override
    public void warmUp() {
        transmitter.warmUp(20_000);
    }

    @Override
    public int send(MemorySegment[] frames, int from, int count) {
        try {
            return dry ? transmitter.rehearse(frames, from, count) : transmitter.send(frames, from, count);
        } catch (FrameTransmitter.FrameRefusedException e) {
            throw new FrameRefused(e.getMessage());
        } catch (PacketSocketException e) {
            throw new ReplayException(e.getMessage());
        }
    }

    @Override
    public FrameSender rehearsal() {
        return new XdpSender(transmitter, true);
    }

    /** "AF_XDP copy mode (zero-copy refused: …)" or "AF_XDP zero-copy mode": which one the kernel chose. */
    @Override
    public String transmitPath() {
        String why = transmitter.zeroCopyRefusal().isEmpty() ? "" : " (zero-copy refused: " + transmitter.zeroCopyRefusal().getFirst() + ")";
        return "AF_XDP " + transmitter.mode() + " mode, queue " + transmitter.queue() + why;
    }

    /** Waits (up to a second) for the frames still on the TX ring to leave, then closes. */
    @Override
    public void close() {
        if (!dry) transmitter.close();
    }
}
