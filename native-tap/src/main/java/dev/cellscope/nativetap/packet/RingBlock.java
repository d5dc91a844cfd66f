package dev.cellscope.nativetap.packet;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

import static dev.cellscope.nativetap.packet.LinuxAbi.*;

/**
 * One block of a {@link TpacketV3Ring}, handed to the consumer by {@link TpacketV3Ring#nextBlock}:
 * a batch of frames the kernel has finished writing. A cursor walks the frames in arrival order
 * without allocating: {@link #next()} moves to the next frame, then {@link #frame()} (or
 * {@link #blockSegment()} + {@link #frameOffset()}) gives its bytes in place in the ring, and the
 * other accessors its metadata.
 *
 * <p>The block stays the consumer's until {@link #release()} gives it back to the kernel; only
 * then can the kernel fill it again, so a consumer that keeps blocks makes the kernel drop frames
 * (counted in {@link RingStats#drops()}). After {@code release()} (or the ring's close) the block
 * must not be read: its methods throw {@link IllegalStateException} instead of showing frames the
 * kernel has written since. A block may be handed to another thread (e.g. a worker that releases
 * it when done); one thread at a time should walk it.
 *
 * <p>VLAN: the kernel strips an 802.1Q/802.1ad tag into the frame header on receive. With
 * {@link RingConfig#reinsertVlan()} (the default) the cursor writes it back into the frame (moving
 * the two MAC addresses 4 bytes forward into the room {@code PACKET_RESERVE} keeps), so the bytes
 * are the frame as it was on the wire, as libpcap does; {@link #vlanTci()} reports the tag either way.
 */
public final class RingBlock {
    private static final ValueLayout.OfShort BE16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final VarHandle RELEASED;

    static {
        try {
            RELEASED = MethodHandles.lookup().findVarHandle(RingBlock.class, "released", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final TpacketV3Ring ring;
    private final int index;
    private final MemorySegment block;
    private final int blockSize;
    private final int count;
    private final long sequence;
    private final int blockStatus;
    private final int firstOffset;
    private final boolean reinsertVlan;
    private final int snaplen;
    private volatile boolean released;

    // the cursor: the current frame (position) and what was read of it
    private int position = -1;
    private long nextHeader;
    private int vlanDoneUpTo; // frames [0, vlanDoneUpTo) already have their tag back in place
    private boolean damaged, reinserted;
    private long frameOffset;
    private long header;
    private int capturedLength, originalLength, status, vlanTci, vlanTpid;
    private long timestampNanos;

    RingBlock(TpacketV3Ring ring, int index, MemorySegment block, int blockStatus, boolean reinsertVlan, int snaplen) {
        this.ring = ring;
        this.index = index;
        this.block = block;
        this.blockSize = (int) block.byteSize();
        this.blockStatus = blockStatus;
        this.reinsertVlan = reinsertVlan;
        this.snaplen = snaplen;
        this.count = block.get(ValueLayout.JAVA_INT, BLOCK_NUM_PKTS);
        this.firstOffset = block.get(ValueLayout.JAVA_INT, BLOCK_OFFSET_TO_FIRST_PKT);
        this.sequence = block.get(ValueLayout.JAVA_LONG, BLOCK_SEQ_NUM);
    }

    /** Frames in the block (num_pkts). */
    public int frameCount() {
        return count;
    }

    /** The kernel's block sequence number (seq_num): consecutive blocks of one ring count up by one. */
    public long sequence() {
        return sequence;
    }

    /** The block was handed over by the retire timeout, not because it was full (TP_STATUS_BLK_TMO). */
    public boolean timedOut() {
        return (blockStatus & TP_STATUS_BLK_TMO) != 0;
    }

    /** The kernel had dropped frames (ring full) since the stats were last read (TP_STATUS_LOSING). */
    public boolean losing() {
        return (blockStatus & TP_STATUS_LOSING) != 0;
    }

    /** The block's slot in the ring, 0..blockCount-1. */
    public int index() {
        return index;
    }

    /**
     * Moves to the next frame; false when there is none (or the block's headers do not add up,
     * which {@link #damaged()} then says; never seen from a sane kernel, checked so a bad offset
     * can only end the walk, not read outside the block).
     */
    public boolean next() {
        checkLive();
        if (position + 1 >= count || damaged) return false;
        long h = position < 0 ? firstOffset : nextHeader;
        if (h < BLOCK_DESC_SIZE || h > blockSize - TPACKET3_HDRLEN || (h & (V3_ALIGNMENT - 1)) != 0) {
            damaged = true;
            return false;
        }
        int snap = block.get(ValueLayout.JAVA_INT, h + TP_SNAPLEN);
        int len = block.get(ValueLayout.JAVA_INT, h + TP_LEN);
        int st = block.get(ValueLayout.JAVA_INT, h + TP_STATUS);
        int mac = Short.toUnsignedInt(block.get(ValueLayout.JAVA_SHORT, h + TP_MAC));
        long macAt = h + mac;
        if (mac < TPACKET3_HDRLEN || snap < 0 || macAt + snap > blockSize) {
            damaged = true;
            return false;
        }
        position++;
        nextHeader = h + Integer.toUnsignedLong(block.get(ValueLayout.JAVA_INT, h + TP_NEXT_OFFSET));
        status = st;
        timestampNanos = Integer.toUnsignedLong(block.get(ValueLayout.JAVA_INT, h + TP_SEC)) * 1_000_000_000L
                + Integer.toUnsignedLong(block.get(ValueLayout.JAVA_INT, h + TP_NSEC));
        header = h; // sll_pkttype is read only when asked: it often sits on a cache line nothing else needs
        frameOffset = macAt;
        capturedLength = snap;
        originalLength = len;
        reinserted = false;
        if ((st & TP_STATUS_VLAN_VALID) != 0) {
            vlanTci = Short.toUnsignedInt(block.get(ValueLayout.JAVA_SHORT, h + TP_VLAN_TCI));
            vlanTpid = (st & TP_STATUS_VLAN_TPID_VALID) != 0
                    ? Short.toUnsignedInt(block.get(ValueLayout.JAVA_SHORT, h + TP_VLAN_TPID)) : 0x8100;
            // room for the tag between the kernel's headers and the frame (PACKET_RESERVE), and both MACs captured
            if (reinsertVlan && mac - 4 >= TPACKET3_HDRLEN && snap >= 12) {
                if (position == vlanDoneUpTo) { // first visit: rewind() must not insert it twice
                    MemorySegment.copy(block, macAt, block, macAt - 4, 12); // overlapping copy is defined
                    block.set(BE16, macAt + 8, (short) vlanTpid);
                    block.set(BE16, macAt + 10, (short) vlanTci);
                    vlanDoneUpTo++;
                }
                frameOffset = macAt - 4;
                capturedLength = Math.min(snap + 4, snaplen); // as libpcap: caplen never above the snaplen
                originalLength = len + 4;
                reinserted = true;
            } else if (position == vlanDoneUpTo) {
                vlanDoneUpTo++;
            }
        } else {
            vlanTci = -1;
            vlanTpid = 0;
            if (position == vlanDoneUpTo) vlanDoneUpTo++;
        }
        return true;
    }

    /** Back to before the first frame (a second pass over the same block). */
    public void rewind() {
        checkLive();
        position = -1;
        damaged = false;
    }

    /** The current frame's captured bytes, in place in the ring (valid until {@link #release()}). */
    public MemorySegment frame() {
        checkFrame();
        checkMapped();
        return block.asSlice(frameOffset, capturedLength);
    }

    /** The whole block; the current frame is at {@link #frameOffset()} for {@link #capturedLength()} bytes. */
    public MemorySegment blockSegment() {
        checkMapped();
        return block;
    }

    public long frameOffset() {
        checkFrame();
        return frameOffset;
    }

    /** Bytes of the frame in the ring: at most the snaplen (or less where the block was too small). */
    public int capturedLength() {
        checkFrame();
        return capturedLength;
    }

    /** The frame's length on the wire (tp_len; with a re-inserted VLAN tag, 4 more). */
    public int originalLength() {
        checkFrame();
        return originalLength;
    }

    /** When the kernel received it: nanoseconds since 1970 (CLOCK_REALTIME), tp_sec and tp_nsec. */
    public long timestampNanos() {
        checkFrame();
        return timestampNanos;
    }

    /** The 802.1Q TCI (priority, DEI, VLAN id) the kernel took off the frame, or -1 for an untagged frame. */
    public int vlanTci() {
        checkFrame();
        return vlanTci;
    }

    /** The tag's TPID (0x8100, or 0x88a8 for 802.1ad), or 0 for an untagged frame. */
    public int vlanTpid() {
        checkFrame();
        return vlanTpid;
    }

    /** The frame's bytes include the VLAN tag the kernel had removed. */
    public boolean vlanReinserted() {
        checkFrame();
        return reinserted;
    }

    /** sll_pkttype: 0 for this host, 1 broadcast, 2 multicast, 3 another host (promiscuous), 4 sent by this host. */
    public int packetType() {
        checkFrame();
        return Byte.toUnsignedInt(block.get(ValueLayout.JAVA_BYTE, header + TP_SOCKADDR_LL + SLL_PKTTYPE));
    }

    /** The kernel's tp_status bits of the current frame. */
    public int frameStatus() {
        checkFrame();
        return status;
    }

    /** Index of the current frame in the block, from 0. */
    public int position() {
        return position;
    }

    /** The walk stopped at a header that did not fit the block. */
    public boolean damaged() {
        return damaged;
    }

    /**
     * Gives the block back to the kernel (block_status = TP_STATUS_KERNEL, a release store, so
     * every read of the frames happens before the kernel may overwrite them). Idempotent; any
     * thread; a no-op once the ring is closed.
     */
    public void release() {
        if (RELEASED.compareAndSet(this, false, true)) ring.release(index);
    }

    public boolean isReleased() {
        return released;
    }

    private void checkLive() {
        if (released) throw new IllegalStateException("block " + index + " was released: its frames belong to the kernel again");
    }

    /** For what hands out memory: reading it after close would throw anyway, but only on first access. */
    private void checkMapped() {
        checkLive();
        if (!block.scope().isAlive()) throw new IllegalStateException("the ring of block " + index + " was closed");
    }

    private void checkFrame() {
        checkLive();
        if (position < 0) throw new IllegalStateException("no current frame: call next() first");
    }

    @Override
    public String toString() {
        return "RingBlock[" + index + " seq " + sequence + ", " + count + " frames" + (timedOut() ? ", timed out" : "")
                + (losing() ? ", losing" : "") + (released ? ", released]" : "]");
    }
}
