package dev.cellscope.replay;

import dev.cellscope.nativetap.packet.FrameTransmitter;
import dev.cellscope.nativetap.packet.PacketSocketException;

import java.lang.foreign.MemorySegment;

/** Frames out of a network interface through native-tap's AF_PACKET {@link FrameTransmitter} (sendmmsg batches). */
public final class InterfaceSender implements FrameSender {
    private final FrameTransmitter transmitter;
    private final boolean dry;

    private InterfaceSender(FrameTransmitter transmitter, boolean dry) {
        this.transmitter = transmitter;
        this.dry = dry;
    }

    /**
     * Opens {@code ifname} for sending.
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

    @Override
    public int maxBatch() {
        return FrameTransmitter.MAX_BATCH;
    }

    /** 20,000 empty sendmmsg calls: a few milliseconds, after which the downcall is compiled. */
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
    public void close() {
        if (!dry) transmitter.close();
    }
}
