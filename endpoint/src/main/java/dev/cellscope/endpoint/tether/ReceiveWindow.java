package dev.cellscope.endpoint.tether;

/**
 * The receiver's credit policy for one data flow. It estimates the credit the sender still holds,
 * {@code granted - received - presumedLost}, and grants so that this estimate plus the bytes
 * held out of order never exceed the window. Bytes come back as they are drained (delivered in
 * order), discarded (copies of slots already held) or presumed lost (NACKed, or silent during a
 * stall: the sender spent that credit on frames that never arrived, or never got the grant).
 */
final class ReceiveWindow {
    private final long window, frameLength;
    private long granted, received, presumedLost, held;

    ReceiveWindow(long window, long frameLength) {
        // A window smaller than one frame would deadlock; grant at least one frame.
        this.window = Math.max(window, frameLength);
        this.frameLength = frameLength;
    }

    /** Credit the sender should still hold, by this side's reckoning. */
    long senderCredit() {
        return Math.max(0, granted - received - presumedLost);
    }

    long available() {
        return Math.max(0, window - held - senderCredit());
    }

    /** A non-LAMP data frame of {@code len} bytes arrived (fresh or a copy). */
    void arrived(long len) {
        received += len;
        // A frame presumed lost that arrives after all: stop presuming, so the estimate stays >= 0.
        long excess = received + presumedLost - granted;
        if (excess > 0) presumedLost = Math.max(0, presumedLost - excess);
    }

    /** A fresh slot of {@code len} frame bytes now occupies the buffer. */
    void hold(long len) {
        held += len;
    }

    /** A slot was drained (delivered in order): its room can be granted again. */
    void release(long len) {
        held -= len;
    }

    void presumeLost(long len) {
        presumedLost += len;
    }

    /** All credit the sender should hold is presumed gone (a stall); returns how much. */
    long presumeAllLost() {
        long c = senderCredit();
        presumedLost += c;
        return c;
    }

    /**
     * What to grant now: nothing until a quarter window (or one frame, when the sender cannot
     * send even one) is free, so grants ride in few frames without ever starving the sender.
     */
    long grantDue() {
        long free = available();
        boolean starving = senderCredit() < frameLength;
        if (free >= Math.max(frameLength, window / 4) || (starving && free >= frameLength)) return free;
        return 0;
    }

    void granted(long amount) {
        granted += amount;
    }
}
