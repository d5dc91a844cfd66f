package dev.cellscope.replay;

import dev.cellscope.nativetap.packet.BatchTransmitter;
import dev.cellscope.nativetap.packet.FrameTransmitter;
import dev.cellscope.nativetap.packet.PacketSocketException;
import dev.cellscope.nativetap.packet.XdpTransmitter;

import java.lang.foreign.MemorySegment;

/**
 * Frames out of a network interface through one of native-tap's {@link BatchTransmitter}s: AF_PACKET
 * ({@link FrameTransmitter}, sendmmsg batches) or AF_XDP ({@link XdpTransmitter}, TX ring, UMEM chunks
 * recycled from the completion ring; zero-copy where the driver allows it). {@link Replayer}'s pacing
 * is the same over either.
 */
public final class InterfaceSender implements FrameSender {
    private final BatchTransmitter transmitter;
    private final boolean dry;

    private InterfaceSender(BatchTransmitter transmitter, boolean dry) {
        this.transmitter = transmitter;
        this.dry = dry;
    }

    /**
     * Opens {@code ifname} for sending through AF_PACKET.
     *
     * @throws ReplayException with native-tap's one line (no such interface, not root)
     */
    public static InterfaceSender open(String ifname) {
        try {
            return new InterfaceSender(FrameTransmitter.open(ifname), false);
        } catch (PacketSocketException | IllegalArgumentException e) {
            throw new ReplayException(e.getMessage());
        }
    }

    /**
     * Opens queue 0 of {@code ifname} for sending through AF_XDP.
     *
     * @throws ReplayException with native-tap's one line (no such interface, not root, no AF_XDP)
     */
    public static InterfaceSender openXdp(String ifname) {
        try {
            return new InterfaceSender(XdpTransmitter.open(ifname), false);
        } catch (PacketSocketException | IllegalArgumentException e) {
            throw new ReplayException(e.getMessage());
        }
    }

    @Override
    public int maxBatch() {
        return transmitter.maxBatch();
    }

    /** 20,000 empty sends: a few milliseconds, after which the downcall is compiled. */
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

    /** The same class and path, so the rehearsal's compiled code is the real run's (one receiver type at each call). */
    @Override
    public FrameSender rehearsal() {
        return new InterfaceSender(transmitter, true);
    }

    @Override
    public String transmitPath() {
        return transmitter.describe();
    }

    /** AF_XDP waits (up to a second) for the frames still on its TX ring to leave before closing. */
    @Override
    public void close() {
        if (!dry) transmitter.close();
    }
}
