package dev.cellscope.endpoint.tether;

import dev.cellscope.endpoint.core.NoisyEvents;

import dev.cellscope.protocol.tether.TetherLimits;
import dev.cellscope.protocol.tether.TetherFlags;
import dev.cellscope.protocol.tether.TetherCredit;
import dev.cellscope.crypto.Crc64GoIso;
import dev.cellscope.endpoint.core.Link;
import dev.cellscope.endpoint.core.Scheduler;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.Decoded;
import dev.cellscope.wire.Tai64n;
import dev.cellscope.wire.TetherControl;
import dev.cellscope.wire.TetherFrame;
import dev.cellscope.wire.TetherHeader;

import java.lang.foreign.MemorySegment;
import java.util.LinkedHashSet;
import java.util.Iterator;
import java.util.SequencedSet;
import java.util.function.ToLongFunction;

/**
 * One endpoint's Tether attachment to a {@link Link}: encodes frames (CRC-64 and TAI64N from
 * the scheduler's clock), and on receive drops what must not be processed (not Tether, bad
 * CRC, not addressed here, an exact copy of a recent frame), credits the grants of what is
 * left and answers Lamps. Whatever survives goes to the owner's {@link Handler}.
 */
final class TetherPort<A> {
    static final int FLAG_LAMP = TetherFlags.LAMP, FLAG_SYNC = TetherFlags.SYNC;
    static final int BLOCK = TetherLimits.BLOCK, HEADER = TetherLimits.HEADER_SIZE;
    static final ToLongFunction<MemorySegment> CRC = seg -> Crc64GoIso.tetherChecksum(seg, 0, seg.byteSize());
    /** Checksums remembered to spot wire duplicates; a copy arrives within a few frames of the original. */
    private static final int RECENT = 4096;

    /** The owner's view of a frame that passed every check. */
    interface Handler<A> {
        void onFrame(A from, TetherFrame frame);
    }

    final long localId;
    final Scheduler scheduler;
    final TetherCounters counters;
    final CreditLedger credit = new CreditLedger();
    private final Link<A> link;
    private final long hailGrant;
    private TetherListener listener = TetherListener.NONE;
    private final SequencedSet<Long> recent = new LinkedHashSet<>();
    private java.util.function.BiConsumer<A, Long> onLampAnswered = (a, id) -> { };
    /** Events a peer can cause at will, rate-limited per kind: the rule serve's NetSwitch events follow too. */
    private final NoisyEvents noisy;

    TetherPort(long localId, Link<A> link, Scheduler scheduler, TetherCounters counters, long hailGrant) {
        this.localId = localId;
        this.link = link;
        this.scheduler = scheduler;
        this.counters = counters;
        this.hailGrant = hailGrant;
        this.noisy = new NoisyEvents(scheduler, e -> listener.onEvent(e)); // the listener is set after construction
    }

    void listener(TetherListener l) {
        listener = l == null ? TetherListener.NONE : l;
    }

    void event(String e) {
        listener.onEvent(e);
    }

    /**
     * An event a peer can cause at will (a refused Define, a stray frame, a bad CRC): printed at most once a second per
     * {@code kind}, the ones held back counted when the second is up ({@link NoisyEvents}; review: 50 refused Defines
     * in a burst printed one line and no "49 more").
     */
    void noisy(String kind, String e) {
        noisy.event(kind, e);
    }

    /** Whose grants count: by default every frame's that passed the checks (see {@link #creditOnlyIf}). */
    private java.util.function.BiPredicate<A, TetherFrame> creditable = (from, frame) -> true;

    /** Credits a received frame's grant only if {@code rule} says so (the receiver: only from senders bound to that address). */
    void creditOnlyIf(java.util.function.BiPredicate<A, TetherFrame> rule) {
        creditable = rule;
    }

    /** Called with the address and sender of every Lamp this port answered. */
    void onLampAnswered(java.util.function.BiConsumer<A, Long> c) {
        onLampAnswered = c;
    }

    void attach(Handler<A> handler) {
        link.onReceive((from, bytes) -> receive(from, bytes, handler));
    }

    /** Sends a header with {@code payload} zero-padded to whole blocks; returns the Tether length. */
    int send(A to, long target, int flow, int flags, long slot, long grant, long nack, byte[] payload) {
        byte[] padded = payload.length % BLOCK == 0 ? payload : java.util.Arrays.copyOf(payload, (int) TetherCredit.frameLength(payload.length) - HEADER);
        return emit(to, new TetherFrame(header(target, flow, flags, slot, grant, nack), Bytes.of(padded)));
    }

    int sendControl(A to, long target, int flags, long grant, TetherControl control) {
        return emit(to, TetherFrame.control(header(target, 0, flags, 0, grant, 0), control));
    }

    private TetherHeader header(long target, int flow, int flags, long slot, long grant, long nack) {
        long now = scheduler.clock().nanos();
        return new TetherHeader(flow, flags, 0, localId, target, Tai64n.nanoOf(now), slot, grant, nack, 0,
                Tai64n.labelOf(now));
    }

    private int emit(A to, TetherFrame frame) {
        byte[] bytes = frame.encodeWithChecksum(CRC);
        counters.framesSent.incrementAndGet();
        counters.bytesSent.addAndGet(bytes.length);
        long grant = frame.header().grantAmount();
        if (grant != 0) {
            counters.grantsGiven.incrementAndGet();
            counters.grantBytesGiven.accumulateAndGet(grant, TetherCounters::saturatingAdd);
        }
        link.send(to, bytes);
        return bytes.length;
    }

    private void receive(A from, byte[] bytes, Handler<A> handler) {
        // A length that is not whole blocks is malformed whatever its CRC says (the tap reports it
        // as its own finding and judges the CRC apart); the peer cannot use such a frame either way.
        if (bytes.length < HEADER || bytes.length % BLOCK != 0
                || !(TetherFrame.decode(bytes) instanceof Decoded.Ok<TetherFrame>(TetherFrame frame, int ignored))) {
            counters.malformed.incrementAndGet();
            return;
        }
        // The tap's rule: the CRC of the bytes as they arrived, checksum field taken as zero.
        if (CRC.applyAsLong(MemorySegment.ofArray(bytes).asReadOnly()) != frame.header().checksum()) {
            counters.crcDrops.incrementAndGet();
            noisy("crc", "drop: bad CRC-64 from " + from);
            return;
        }
        TetherHeader h = frame.header();
        if (h.target() != localId) {
            counters.misaddressed.incrementAndGet();
            return;
        }
        // A wire duplicate is byte-identical (same TAI64N, same checksum); crediting its grant
        // twice would give us credit the peer never granted.
        if (!remember(h.checksum())) {
            counters.duplicates.incrementAndGet();
            return;
        }
        counters.framesReceived.incrementAndGet();
        if (h.grantAmount() != 0 && creditable.test(from, frame)) {
            counters.grantBytesReceived.accumulateAndGet(h.grantAmount(), TetherCounters::saturatingAdd);
            credit.grant(h.sender(), h.flowId(), h.grantAmount());
        }
        if (isLamp(frame)) answerLamp(from, h);
        handler.onFrame(from, frame);
    }

    private boolean remember(long checksum) {
        if (!recent.add(checksum)) return false;
        if (recent.size() > RECENT) {
            Iterator<Long> it = recent.iterator();
            it.next();
            it.remove();
        }
        return true;
    }

    static boolean isLamp(TetherFrame frame) {
        return frame.header().flowId() == 0 && TetherFlags.isLamp(frame.header().flags()) && control(frame) instanceof TetherControl.Hail;
    }

    static TetherControl control(TetherFrame frame) {
        if (frame.header().flowId() != 0 || frame.payload().length() == 0) return null;
        return frame.control() instanceof Decoded.Ok<TetherControl>(TetherControl c, int ignored) ? c : null;
    }

    /** Lights a Lamp: a LAMP-flagged Hail, free to send, granting what the reply needs. */
    void lamp(A to, long target, long grant) {
        counters.lampsSent.incrementAndGet();
        sendControl(to, target, FLAG_LAMP, grant, hail());
    }

    /** The reply to a Lamp is a Hail granting {@code hailGrant}, paid from the Lamp's own grant. */
    private void answerLamp(A from, TetherHeader h) {
        long cost = TetherCredit.cost(0, TetherCredit.frameLength(hail().encodedSize()));
        if (!credit.trySpend(h.sender(), 0, cost)) {
            noisy("lamp", "lamp from " + from + " grants too little to answer (" + h.grantAmount() + " bytes)");
            return;
        }
        counters.lampsAnswered.incrementAndGet();
        sendControl(from, h.sender(), 0, hailGrant, hail());
        onLampAnswered.accept(from, h.sender());
        noisy("answered", "answered lamp from " + from);
    }

    static TetherControl.Hail hail() {
        return new TetherControl.Hail(TetherLimits.HAIL_VERSION, TetherLimits.HAIL_CAPABILITIES);
    }
}
