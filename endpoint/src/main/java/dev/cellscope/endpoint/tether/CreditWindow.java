package dev.cellscope.endpoint.tether;

/**
 * Tether's receive-credit window: the receiver's credit policy for one data flow. It estimates the credit the sender still holds,
 * {@code granted - received - presumedLost}, and grants so that this estimate plus the bytes
 * held out of order never exceed the window. Bytes come back as they are drained (delivered in
 * order), discarded (copies of slots already held) or presumed lost (NACKed, or silent during a
 * stall: the sender spent that credit on frames that never arrived, or never got the grant).
 *
 * <h2>Opening</h2>
 * The window opens as data comes: it starts at {@link #INITIAL} (or the whole window, if smaller) and grows by
 * every byte received, up to the configured window. A sender that never sends (a Define flood) holds at most the
 * initial grant; a real one reaches the full window after receiving about that much. The full window is what
 * keeps a lossy path busy: with 5% loss every 256 KiB window held a hole that waited for a NACK round trip
 * (a 100 MB tether-send over loopback took 7.1 s with 256 KiB, 3.4-3.6 s with 1 MiB, the default; bench/README.md).
 *
 * <h2>Slots held behind a hole</h2>
 * Slots held out of order count against the window only beyond {@link #HOLD_ALLOWANCE} windows of them. Without
 * loss nothing is held and the window alone bounds what is in flight (a larger window overflowed the receiver's
 * socket during its pauses); with loss, the sender goes on filling while a hole waits for its re-send, instead of
 * stopping once the window is behind the hole (a 1 GB transfer at 5% loss: bench/README.md, session 30).
 */
final class CreditWindow {
    /** The first window, before anything arrived: the most a silent sender is ever granted (256 KiB). */
    static final long INITIAL = 256 * 1024;
    /** Windows' worth of slots held behind holes that do not count against the window (see the class comment). */
    static final int HOLD_ALLOWANCE = 3;

    private final long window, frameLength;
    private long granted, received, presumedLost, held;
    /** Credit owed for re-sends of NACKed slots, granted whatever the room (see {@link #presumeLost}). */
    private long owed;

    CreditWindow(long window, long frameLength) {
        // A window smaller than one frame would deadlock; grant at least one frame.
        this.window = Math.max(window, frameLength);
        this.frameLength = frameLength;
    }

    /** Credit the sender should still hold, by this side's reckoning. */
    long senderCredit() {
        return Math.max(0, granted - received - presumedLost);
    }

    /** The window as opened so far: the initial one plus every byte received, at most the configured window. */
    long open() {
        return Math.min(window, Math.max(frameLength, INITIAL + received));
    }

    long available() {
        return Math.max(0, open() - Math.max(0, held - HOLD_ALLOWANCE * window) - senderCredit());
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

    /**
     * A NACKed slot: the sender spent its credit on a frame that never arrived. Its re-send is
     * granted even when the window is full of slots held behind the hole, because filling the
     * hole drains them: without this a full window would deadlock on its first loss.
     */
    void presumeLost(long len) {
        // Not capped at the credit the sender is believed to hold: a re-send lost again is NACKed again, and by then the
        // sender may hold nothing (it spent it on that re-send); capped, its next re-send was never granted and a lossy
        // 20 MB transfer deadlocked (session 35 re-review). What one round may presume is bounded by its slot count
        // (InboundFlow.sendNacks: a window's worth).
        presumedLost += len;
        owed += len;
    }

    /**
     * All credit the sender should hold is presumed gone (a probe or a stall): a grant was lost,
     * or frames it paid for were. That credit is re-issued whatever the room, as it was already
     * counted against the window. Returns how much.
     */
    long presumeAllLost() {
        return presumeLostBeyond(0);
    }

    /**
     * As {@link #presumeAllLost}, except the last {@code recent} bytes granted, which may still be on their way to the
     * sender (a probe that crossed them). Returns how much is presumed lost.
     */
    long presumeLostBeyond(long recent) {
        long c = Math.max(0, senderCredit() - recent);
        presumedLost += c;
        owed += c;
        return c;
    }

    /**
     * What to grant now: nothing until a quarter window (or one frame, when the sender cannot
     * send even one) is free, so grants ride in few frames without ever starving the sender.
     */
    long grantDue() {
        long free = available();
        boolean starving = senderCredit() < frameLength;
        long room = free >= Math.max(frameLength, open() / 4) || (starving && free >= frameLength) ? free : 0;
        return Math.max(room, owed);
    }

    /** Everything free now, however little, plus what is owed (used when a grant is forced). */
    long grantAll() {
        return Math.max(available(), owed);
    }

    void granted(long amount) {
        granted += amount;
        owed = Math.max(0, owed - amount);
    }
}
