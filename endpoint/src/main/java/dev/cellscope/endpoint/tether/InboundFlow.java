package dev.cellscope.endpoint.tether;

import dev.cellscope.protocol.tether.TetherCredit;
import dev.cellscope.protocol.tether.TetherSlots;
import dev.cellscope.endpoint.core.Scheduler;
import dev.cellscope.wire.TetherControl.BulkNack;
import dev.cellscope.wire.TetherControl.Define;
import dev.cellscope.wire.TetherControl.Manifest;

import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * One data flow being received from one sender: reassembly into the content (paged, allocated as
 * slots arrive), the receive window, gap detection and NACKs, the Manifest check and, once the
 * receiver's keeper has kept the content, the confirmation. A flow that hears nothing from its
 * sender for the idle time is abandoned.
 */
final class InboundFlow<A> {
    private final TetherPort<A> port;
    private final TetherReceiverConfig config;
    final A peer;
    final long sender;
    private final int flow;
    final Define define;
    private final long slotCount;
    private FlowContent content;
    private final BitSet have = new BitSet();
    private final CreditWindow window;
    private final GapTracker gaps;
    private final BiConsumer<InboundFlow<A>, Reception> done;
    private final BiConsumer<InboundFlow<A>, Boolean> abandoned;
    /** Flow-0 bytes the sender spent on us since we last re-granted them. */
    private long controlConsumed;
    private long drainedUpTo, framesReceived, lastDataNanos, lastHeardNanos;
    /**
     * Something came from the sender on this flow since the last stall re-grant (or since its Define): a sender that
     * never speaks again gets its first window and nothing more, the 256 KiB the docs promise (it used to get one
     * re-grant on top, 512 KiB: review of tether-recv). A sender whose first grant was lost repeats its Define, which
     * earns the re-grant.
     */
    private boolean heardSinceRegrant;
    /**
     * Something came from the sender since the last NACK round: each round needs one, as each stall re-grant does.
     * Slots still due when a round finds nothing heard wait ({@code nackParked}) for the sender's next frame: a sender
     * that sent one frame for the last slot of a 2^20-slot flow and fell silent drew NACK rounds (and their grants)
     * every retry interval until it was abandoned (review of tether-recv).
     */
    private boolean heardSinceNacks = true, nackParked;
    /**
     * A probe alone (free, carrying nothing) may release a parked round only once per {@code probeRoundBackoff}, which
     * doubles from the NACK retry up to {@link #MAX_PROBE_ROUND_BACKOFF_NANOS} while only probes come, and starts again
     * when data does. A starved sender whose NACKs were lost needs such a round (the window is full of slots held behind
     * the hole, so only re-sends can open it: ProbeCrossingTest at 20% loss); one per probe let 160 probes after a
     * single data frame draw 36,973 frames (NackAmplificationTest).
     */
    private boolean probeReleased;
    private long probeRoundBackoff, probeRoundNotBefore;
    static final long MAX_PROBE_ROUND_BACKOFF_NANOS = 1_000_000_000L;
    /** Data credit granted in the last {@link #PROBE_CROSSING_NANOS}, oldest first: {time, amount}. A probe may have crossed it. */
    private final ArrayDeque<long[]> recentGrants = new ArrayDeque<>();
    private long recentGranted;
    private boolean kept, closed;
    private Manifest manifest;
    private Reception result;
    private Scheduler.Cancellable nackTimer, stallTimer;
    private long nackTimerAt = Long.MAX_VALUE;
    /** After a round that hit its cap, the next waits a retry interval: the rest of a huge gap is paced, not flooded. */
    private long nackNotBefore;

    InboundFlow(TetherPort<A> port, TetherReceiverConfig config, A peer, long sender, Define define,
                BiConsumer<InboundFlow<A>, Reception> done, BiConsumer<InboundFlow<A>, Boolean> abandoned) {
        this.port = port;
        this.config = config;
        this.peer = peer;
        this.sender = sender;
        this.flow = define.targetFlow();
        this.define = define;
        this.slotCount = TetherSlots.count(define.totalBytes(), define.slotSize());
        this.content = new FlowContent(define.totalBytes());
        this.window = new CreditWindow(config.window(), TetherCredit.frameLength(define.slotSize()));
        this.gaps = new GapTracker(config.reorderNanos(), config.nackRetryNanos());
        this.probeRoundBackoff = config.nackRetryNanos();
        this.done = done;
        this.abandoned = abandoned;
        this.lastDataNanos = now();
        this.lastHeardNanos = lastDataNanos;
        grant(0, false);
        armStall();
    }

    private long now() {
        return port.scheduler.clock().nanos();
    }

    private int slotLength(long slot) {
        return (int) TetherSlots.length(slot, define.slotSize(), define.totalBytes());
    }

    /** Still receiving: not finished, not abandoned. */
    boolean open() {
        return result == null && !closed;
    }

    /** The sender said something on this flow (data, Manifest, a repeated Define): a NACK round may follow. */
    void heard() {
        alive();
        heardSinceNacks = true;
        probeRoundBackoff = config.nackRetryNanos();
        if (nackParked) {
            nackParked = false;
            scheduleNacks();
        }
    }

    /**
     * The sender is alive (any frame, a probe too): it is not idle, and a stall may be re-granted. It does not by itself
     * release a NACK round: see {@link #probeReleased}.
     */
    private void alive() {
        lastHeardNanos = now();
        heardSinceRegrant = true;
    }

    void controlSpent(long len) {
        controlConsumed += len;
    }

    void data(long slot, byte[] payload, int frameLength, int flags) {
        // Checked before anything is counted or written: a slot past the end (unsigned: 2^64-1 is not -1) or a payload
        // that is not exactly the slot's bytes in whole blocks would read or write past the slot (review: Java
        // exceptions, one line per frame), and a longer one taken as the slot's first copy spoilt the flow for good.
        if (!TetherSlots.within(slot, slotCount)) {
            malformed("slot-range", "slot " + Long.toUnsignedString(slot) + " beyond the end of flow " + flow + " (" + slotCount + " slots)");
            return;
        }
        long expected = TetherSlots.payloadLength(slot, define.slotSize(), define.totalBytes());
        if (payload.length != expected) {
            malformed("slot-length", "slot " + slot + " of flow " + flow + " carries " + payload.length + " bytes, not " + expected);
            return;
        }
        lastDataNanos = now();
        heard();
        boolean fresh = !have.get((int) slot) && result == null;
        // A LAMP slot spent nothing, so it does not touch the credit estimate (it still needs room).
        long spent = TetherCredit.cost(flags, frameLength);
        if (spent > 0) window.arrived(spent);
        if (fresh) {
            framesReceived++;
            content.write(slot * define.slotSize(), payload, slotLength(slot));
            have.set((int) slot);
            window.hold(TetherCredit.frameLength(slotLength(slot)));
            gaps.arrived(slot, now(), s -> have.get((int) s));
            drain();
        } else if (result == null) {
            framesReceived++;
        }
        scheduleNacks();
        if (result == null) grant(0, false);
        maybeComplete();
    }

    private void malformed(String kind, String what) {
        port.counters.malformed.incrementAndGet();
        port.noisy(kind, "drop: " + what);
    }

    /** Delivers the in-order prefix; its bytes leave the buffer and can be granted again. */
    private void drain() {
        while (drainedUpTo < slotCount && have.get((int) drainedUpTo)) {
            window.release(TetherCredit.frameLength(slotLength(drainedUpTo)));
            drainedUpTo++;
        }
    }

    void manifest(Manifest m) {
        heard();
        manifest = m;
        if (result != null) {
            confirm(); // our confirmation was lost: say it again (once kept)
            return;
        }
        // The Manifest means every slot was sent at least once: any still absent is missing.
        gaps.seenUpTo(slotCount - 1, now(), s -> have.get((int) s));
        scheduleNacks();
        maybeComplete();
    }

    private void maybeComplete() {
        if (result != null || manifest == null || have.cardinality() < slotCount) return;
        boolean checksumOk = manifest.checksum() == content.crc64();
        boolean totalsOk = manifest.totalSlots() == slotCount && manifest.totalFrames() >= slotCount;
        result = new Reception(sender, flow, content, checksumOk, totalsOk, manifest.totalFrames(), framesReceived);
        cancelTimers();
        port.event("flow " + flow + " from " + peer + " complete: checksum " + (checksumOk ? "ok" : "BAD")
                + ", totals " + (totalsOk ? "ok" : "BAD"));
        content = null; // the Reception has it now: the receiver holds nothing more of it
        armIdle();
        done.accept(this, result);
    }

    /** The receiver's keeper has the content: confirm, now and whenever the Manifest comes again. */
    void kept() {
        kept = true;
        confirm();
    }

    /** Abandoned, or replaced by a new Define for the same flow: stop every timer. */
    void close() {
        closed = true;
        cancelTimers();
    }

    /**
     * The confirmation: a LAMP|SYNC header-only frame on the data flow naming slot_id = total
     * slots. LAMP so it costs nothing (we may hold no credit) and cannot be an overrun.
     */
    private void confirm() {
        if (!result.ok() || !kept) return;
        port.send(peer, sender, flow, TetherPort.FLAG_LAMP | TetherPort.FLAG_SYNC, slotCount, 0, 0, new byte[0]);
    }

    Reception result() {
        return result;
    }

    private void scheduleNacks() {
        long due = gaps.nextDue();
        if (due != Long.MAX_VALUE) due = Math.max(due, nackNotBefore);
        if (due == Long.MAX_VALUE || due >= nackTimerAt) return;
        if (nackTimer != null) nackTimer.cancel();
        nackTimerAt = due;
        nackTimer = port.scheduler.schedule(Math.max(0, due - now()), this::sendNacks);
    }

    /**
     * One NACK round: at most the frames one window holds (an honest sender cannot have more in flight to lose), and
     * only if the sender was heard since the last round. The rest waits for a later round, a retry interval on.
     */
    private void sendNacks() {
        nackTimerAt = Long.MAX_VALUE;
        nackTimer = null;
        if (result != null) return;
        if (!heardSinceNacks) {
            if (!probeReleased) {
                nackParked = true;
                return;
            }
            probeRoundNotBefore = now() + probeRoundBackoff;
            probeRoundBackoff = Math.min(2 * probeRoundBackoff, MAX_PROBE_ROUND_BACKOFF_NANOS);
        }
        heardSinceNacks = false;
        probeReleased = false;
        int max = (int) Math.max(1, Math.min(Integer.MAX_VALUE, window.open() / TetherCredit.frameLength(define.slotSize())));
        List<Long> due = gaps.due(now(), max);
        for (long s : due) window.presumeLost(TetherCredit.frameLength(slotLength(s)));
        port.counters.nackedSlots.addAndGet(due.size());
        if (due.size() == 1 && due.getFirst() != 0) {
            singleton(due.getFirst(), true);
        } else if (!due.isEmpty()) {
            bulk(due);
        }
        if (!due.isEmpty()) port.noisy("nack", "nack " + due.size() + " slot(s) of flow " + flow);
        if (due.size() >= max) nackNotBefore = now() + config.nackRetryNanos();
        scheduleNacks();
    }

    /** A singleton NACK rides a LAMP header-only frame on the data flow, with the grant for its re-send. */
    private void singleton(long slot, boolean withGrant) {
        port.counters.singletonNacks.incrementAndGet();
        grant(slot, withGrant);
    }

    /**
     * Several slots go as bulk Nacks on flow 0, paid from the flow-0 credit the sender granted
     * (and re-granting the sender's control bytes we consumed). Without that credit they fall
     * back to singletons, which are free; slot 0 cannot be a singleton and waits for credit.
     */
    private void bulk(List<Long> slots) {
        int singletons = 0; // free frames, but one each: at most one bulk frame's worth per round, the rest waits
        for (int i = 0; i < slots.size(); i += config.maxBulkSlots()) {
            List<Long> part = slots.subList(i, Math.min(slots.size(), i + config.maxBulkSlots()));
            BulkNack nack = new BulkNack(flow, part.stream().mapToLong(Long::longValue).toArray());
            long cost = TetherCredit.cost(0, TetherCredit.frameLength(nack.encodedSize()));
            if (port.credit.trySpend(sender, 0, cost)) {
                port.counters.bulkNacks.incrementAndGet();
                long topUp = controlConsumed;
                controlConsumed = 0;
                port.sendControl(peer, sender, 0, topUp, nack);
            } else {
                port.noisy("no-control-credit", "no control credit for a bulk Nack: " + part.size() + " singletons instead");
                for (long s : part) {
                    if (s == 0 || singletons >= config.maxBulkSlots()) gaps.unmark(s, now());
                    else {
                        singletons++;
                        singleton(s, false);
                    }
                }
            }
        }
        grant(0, true);
    }

    /**
     * Sends the credit due (with {@code nackSlot} if non-zero) as a LAMP-flagged header-only frame
     * on the data flow: unflagged, the grant frame would itself spend credit the receiver may not
     * have (TetherLedger's decision). A singleton NACK goes out even with nothing to grant.
     */
    private void grant(long nackSlot, boolean force) {
        long amount = window.grantDue();
        if (amount == 0 && force) amount = window.grantAll();
        if (amount == 0 && nackSlot == 0) return;
        window.granted(amount);
        if (amount > 0) {
            recentlyGranted(); // drops what is older than the crossing time: the list stays short
            recentGrants.addLast(new long[] {now(), amount});
            recentGranted += amount;
        }
        port.send(peer, sender, flow, TetherPort.FLAG_LAMP, 0, amount, nackSlot, new byte[0]);
    }

    /**
     * Credit granted this recently is taken to be on its way when a probe comes: the sender starved while the grant was
     * in flight (or waiting in its receive queue), and probes again if it stays starved. Older credit it still lacks
     * was lost and is granted again. 5 ms covers loopback and a LAN under load; 25 ms made transfers with 5% loss
     * slower, as lost grants waited (bench/README.md, session 31).
     */
    static final long PROBE_CROSSING_NANOS = 5_000_000L;

    /** The sender says it is starved: whatever credit we think it holds never reached it (or was spent on lost frames). */
    void probe() {
        alive();
        if (nackParked && now() >= probeRoundNotBefore) {
            nackParked = false;
            probeReleased = true;
            scheduleNacks();
        }
        if (result != null) return;
        // Credit granted in the last 5 ms may be on its way: presuming it lost too would double the sender's credit.
        long recent = recentlyGranted();
        long lost = window.presumeLostBeyond(recent);
        if (lost > 0) {
            port.counters.regrants.incrementAndGet();
            port.event("probe on flow " + flow + ": " + lost + " bytes of credit presumed lost, re-granting");
        }
        grant(0, lost > 0 || recent == 0);
    }

    /** Data credit granted within the last {@link #PROBE_CROSSING_NANOS}. */
    private long recentlyGranted() {
        long since = now() - PROBE_CROSSING_NANOS;
        while (!recentGrants.isEmpty() && recentGrants.peekFirst()[0] < since) recentGranted -= recentGrants.pollFirst()[1];
        return recentGranted;
    }

    /** Silence while the sender should hold credit: the grant (or the data it paid) was lost. */
    private void armStall() {
        stallTimer = port.scheduler.schedule(config.stallNanos(), () -> {
            if (!open()) return;
            if (now() - lastHeardNanos >= config.idleNanos()) {
                close();
                abandoned.accept(this, true);
                return;
            }
            if (now() - lastDataNanos >= config.stallNanos() && manifest == null && heardSinceRegrant) {
                heardSinceRegrant = false;
                long lost = window.presumeAllLost();
                if (lost > 0) {
                    port.counters.regrants.incrementAndGet();
                    port.event("stall on flow " + flow + ": " + lost + " bytes of credit presumed lost, re-granting");
                }
                grant(0, true);
            }
            armStall();
        });
    }

    /** A finished flow stays to confirm a repeated Manifest, until its sender has been quiet for the idle time. */
    private void armIdle() {
        stallTimer = port.scheduler.schedule(config.idleNanos(), () -> {
            if (closed) return;
            if (now() - lastHeardNanos >= config.idleNanos()) {
                close();
                abandoned.accept(this, false);
            } else {
                armIdle();
            }
        });
    }

    private void cancelTimers() {
        if (nackTimer != null) nackTimer.cancel();
        if (stallTimer != null) stallTimer.cancel();
    }

}
