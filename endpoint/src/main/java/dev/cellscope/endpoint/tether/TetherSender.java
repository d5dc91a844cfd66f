package dev.cellscope.endpoint.tether;

import dev.cellscope.crypto.Identities;

import dev.cellscope.protocol.tether.TetherFlags;
import dev.cellscope.protocol.tether.TetherCredit;
import dev.cellscope.protocol.tether.TetherSlots;
import dev.cellscope.crypto.Crc64GoIso;
import dev.cellscope.endpoint.core.Link;
import dev.cellscope.endpoint.core.Scheduler;
import dev.cellscope.wire.TetherControl;
import dev.cellscope.wire.TetherControl.BulkNack;
import dev.cellscope.wire.TetherControl.Define;
import dev.cellscope.wire.TetherControl.Hail;
import dev.cellscope.wire.TetherControl.Manifest;
import dev.cellscope.wire.Tai64n;
import dev.cellscope.wire.TetherFrame;
import dev.cellscope.wire.TetherHeader;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * Sends one byte array to one Tether receiver: (Lamp →) Define → data slots within granted
 * credit → re-sends of NACKed slots → Manifest, until the receiver confirms (docs/ENDPOINT-TETHER.md).
 * All work runs on the scheduler's thread; {@link #start} may be called from any thread.
 */
public final class TetherSender<A> {
    private enum Phase { IDLE, HAILING, DEFINING, SENDING, DONE }

    private final TetherSenderConfig config;
    private final A peer;
    private final MemorySegment content;
    private final long contentLength;
    private final TetherCounters counters = new TetherCounters();
    private final TetherPort<A> port;
    private final Scheduler scheduler;
    private final CompletableFuture<SendResult> completion = new CompletableFuture<>();
    private final long slotCount, checksum, controlFrame;

    private Phase phase = Phase.IDLE;
    private final TreeSet<Long> resend = new TreeSet<>();
    private final Map<Long, Long> lastResend = new HashMap<>();
    private long nextSlot, dataFrames, startNanos, controlSpentByPeer;
    private boolean manifestCurrent, dataGranted, lampPending, probeArmed;
    private int retries;
    private long overrunLeft;
    private Scheduler.Cancellable retryTimer = () -> { }, deadlineTimer = () -> { }, silenceTimer = () -> { };
    private long silenceNanos, lastHeardNanos;

    /** Sends a copy of {@code content}. */
    public TetherSender(Link<A> link, Scheduler scheduler, A peer, TetherSenderConfig config, byte[] content) {
        this(link, scheduler, peer, config, MemorySegment.ofArray(content.clone()));
    }

    /**
     * Sends {@code content} as it is, without copying it: a file mapped read-only, say (tether-send: reading 1 GB into
     * the heap and copying it cost about 9 s on this machine kind before the first frame, bench/README.md session 31).
     * It must not change until the transfer ends; if it can no longer be read (a mapped file cut short), the transfer
     * ends {@link SendResult.Status#CANCELLED} with an event saying why.
     */
    public TetherSender(Link<A> link, Scheduler scheduler, A peer, TetherSenderConfig config, MemorySegment content) {
        this.config = Objects.requireNonNull(config, "config");
        this.peer = Objects.requireNonNull(peer, "peer");
        this.content = content;
        this.contentLength = content.byteSize();
        this.scheduler = scheduler;
        this.port = new TetherPort<>(config.localId(), link, scheduler, counters, 0);
        // Grants count only from where the receiver is (onFrame drops the rest): its ID alone is public.
        port.creditOnlyIf((from, frame) -> from.equals(peer));
        this.slotCount = TetherSlots.count(contentLength, config.slotSize());
        // The Manifest checksum covers the content's true bytes, not the padding of the last slot.
        this.checksum = Crc64GoIso.compute(content, 0, contentLength);
        this.controlFrame = TetherCredit.frameLength(new Manifest(0, 0, 0, 0).encodedSize());
        this.overrunLeft = config.overrunBytes();
    }

    public TetherSender<A> listener(TetherListener l) {
        port.listener(l);
        return this;
    }

    /**
     * Gives up ({@link SendResult.Status#SILENT}) when nothing has come from the receiver for {@code nanos} (0: never,
     * the default): a receiver killed mid-transfer left the sender probing until the whole deadline (300 s by default
     * in the CLI; user review). Call before {@link #start}.
     */
    public TetherSender<A> silenceTimeout(long nanos) {
        if (nanos < 0) throw new IllegalArgumentException("silence timeout " + nanos);
        silenceNanos = nanos;
        return this;
    }

    private void watchSilence() {
        if (phase == Phase.DONE) return;
        long quiet = now() - lastHeardNanos;
        if (quiet >= silenceNanos) {
            port.event("nothing from the receiver for " + quiet / 1_000_000 + " ms: giving up");
            finish(SendResult.Status.SILENT);
            return;
        }
        silenceTimer = scheduler.schedule(Math.min(silenceNanos - quiet, 1_000_000_000L), this::watchSilence);
    }

    /** Begins the transfer; returns {@link #completion()}. */
    public CompletableFuture<SendResult> start() {
        scheduler.execute(() -> {
            if (phase != Phase.IDLE) return;
            startNanos = now();
            port.attach(this::onFrame);
            deadlineTimer = scheduler.schedule(config.deadlineNanos(), () -> finish(SendResult.Status.DEADLINE));
            lastHeardNanos = startNanos;
            if (silenceNanos > 0) silenceTimer = scheduler.schedule(Math.min(silenceNanos, 1_000_000_000L), this::watchSilence);
            phase = Phase.HAILING;
            if (config.lamp()) lamp();
            else port.event("waiting for control credit from " + peer);
            progress();
        });
        return completion;
    }

    public CompletableFuture<SendResult> completion() {
        return completion;
    }

    public void cancel() {
        scheduler.execute(() -> finish(SendResult.Status.CANCELLED));
    }

    public TetherStats stats() {
        return counters.snapshot();
    }

    public long slotCount() {
        return slotCount;
    }

    private long now() {
        return scheduler.clock().nanos();
    }

    private long target() {
        return config.targetId();
    }

    private int flow() {
        return config.flow();
    }

    private void lamp() {
        lampPending = true;
        port.lamp(peer, target(), TetherSenderConfig.LAMP_GRANT);
        port.event("lamp lit for " + peer);
        armRetry();
    }

    private void onFrame(A from, TetherFrame frame) {
        TetherHeader h = frame.header();
        if (phase == Phase.DONE || h.sender() != target()) return;
        // The receiver is where we send to, as a connected UDP socket would hold it: its ID is public (on the wire, in
        // every log), so a frame claiming it from elsewhere (a forged confirmation, NACKs, grants) is dropped and counted.
        if (!from.equals(peer)) {
            counters.strayFrames.incrementAndGet();
            port.noisy("stray", "frame claiming " + Identities.formatTetherId(target()) + " from " + from + " ignored: the receiver is at " + peer);
            return;
        }
        lastHeardNanos = now();
        if (h.flowId() == 0) {
            controlSpentByPeer += TetherCredit.cost(h.flags(), frame.encodedSize());
            switch (TetherPort.control(frame)) {
                case Hail hail -> hailed();
                case BulkNack n when n.targetFlow() == flow() -> {
                    counters.bulkNacks.incrementAndGet();
                    long[] slots = n.slots();
                    for (long s : slots) nacked(s, sentAt(h));
                }
                case null, default -> { }
            }
        } else if (h.flowId() == flow()) {
            if (h.nackSlot() != 0) {
                counters.singletonNacks.incrementAndGet();
                nacked(h.nackSlot(), sentAt(h));
            }
            if (h.grantAmount() != 0) dataGranted = true;
            // The confirmation is LAMP|SYNC (free, so the receiver can send it without credit); SYNC alone is not one.
            if (TetherFlags.isSync(h.flags()) && TetherFlags.isLamp(h.flags()) && frame.payload().length() == 0 && h.slotId() == slotCount
                    && phase == Phase.SENDING && nextSlot == slotCount) {
                port.event("receiver confirmed the Manifest");
                finish(SendResult.Status.CONFIRMED);
                return;
            }
        }
        progress();
    }

    private void hailed() {
        if (lampPending) port.event("hail received from " + peer);
        lampPending = false;
        if (phase == Phase.HAILING) retryTimer.cancel();
    }

    /**
     * A NACK sent before our latest re-send of that slot was written before the receiver could
     * have seen it: the re-send already answers it (this is how TetherLedger links them too), so
     * a second re-send would be one no NACK asked for. Judged by the NACK's TAI64N against our
     * clock; with skewed clocks a genuine re-NACK may be ignored once, and the next one (after the
     * receiver's retry interval) gets through.
     */
    private void nacked(long slot, long nackSentNanos) {
        counters.nackedSlots.incrementAndGet();
        // Only slots already sent can be missing: anything else (compared unsigned: a slot of 2^63 is not negative) is
        // a bad entry, ignored. Taken, 2^63 became offset -1024 (a scheduler task failed, slot 7 was never re-sent) and
        // 2^63 * 1024 wrapped to 0 (slot 0's bytes sent labelled slot 2^63): review of tether-send.
        if (!TetherSlots.within(slot, nextSlot)) {
            counters.malformed.incrementAndGet();
            port.noisy("bad-nack", "NACK of slot " + Long.toUnsignedString(slot) + " ignored: only slots 0.." + (nextSlot - 1) + " were sent");
            return;
        }
        Long resent = lastResend.get(slot);
        if (resent != null && nackSentNanos < resent) {
            port.event("stale NACK of slot " + slot + " ignored: written before its re-send");
            return;
        }
        resend.add(slot);
    }

    private static long sentAt(TetherHeader h) {
        return Tai64n.plausible(h.tai64nSec()) ? Tai64n.toUtcNanos(h.tai64nSec(), h.tai64nNano()) : Long.MAX_VALUE;
    }

    /** Moves on as far as credit allows. */
    private void progress() {
        switch (phase) {
            case HAILING -> {
                if (lampPending) return;
                if (sendControl(new Define(flow(), config.slotSize(), contentLength), config.controlGrant())) {
                    phase = Phase.DEFINING;
                    retries = 0;
                    armRetry();
                    port.event("define sent: " + slotCount + " slots of " + config.slotSize());
                }
            }
            case DEFINING -> {
                if (dataGranted || config.lampData()) {
                    phase = Phase.SENDING;
                    retryTimer.cancel();
                    retries = 0;
                    pump();
                }
            }
            case SENDING -> pump();
            default -> { }
        }
    }

    /** Sends re-sends first, then new slots, while credit lasts; then the Manifest once idle. */
    private void pump() {
        while (true) {
            boolean isResend = !resend.isEmpty();
            long slot = isResend ? resend.first() : nextSlot;
            if (!isResend && slot >= slotCount) break;
            byte[] payload;
            try {
                payload = slotBytes(slot);
            } catch (InternalError unreadable) { // a mapped file cut short under us: the JVM's fault on the access
                port.event("cannot read slot " + slot + " of the content (" + unreadable.getMessage() + "): did the file change?");
                finish(SendResult.Status.CANCELLED);
                return;
            }
            int flags = config.lampData() ? TetherFlags.LAMP : 0;
            long cost = TetherCredit.cost(flags, TetherCredit.frameLength(payload.length));
            if (cost > 0) {
                if (!port.credit.trySpend(target(), flow(), cost)) { // wait for a grant: never overrun
                    if (overrunLeft < cost) {
                        armProbe();
                        break;
                    }
                    overrunLeft -= cost; // fault injection (TetherSenderConfig.withOverrun): send without credit
                    port.event("fault injection: slot " + slot + " sent without credit (" + cost + " bytes)");
                }
                counters.creditLeft(port.credit.balance(target(), flow()));
            }
            if (isResend) {
                resend.pollFirst();
                lastResend.put(slot, now());
                counters.resends.incrementAndGet();
            } else {
                nextSlot++;
            }
            port.send(peer, target(), flow(), flags, slot, 0, 0, payload);
            dataFrames++;
            manifestCurrent = false;
        }
        if (nextSlot == slotCount && resend.isEmpty() && !manifestCurrent) sendManifest();
    }

    /**
     * Starved of data credit for a quarter retry interval: tell the receiver with a probe, a
     * LAMP-flagged header-only frame on the data flow (free, so it cannot overrun) naming the
     * slot we wait to send. The receiver takes it to mean its grants (or the frames they paid
     * for) were lost and grants again.
     */
    private void armProbe() {
        if (probeArmed) return;
        probeArmed = true;
        long wanted = resend.isEmpty() ? nextSlot : resend.first();
        long have = port.credit.balance(target(), flow());
        scheduler.schedule(Math.max(1, config.retryNanos() / 4), () -> {
            probeArmed = false;
            if (phase != Phase.SENDING) return;
            long want = resend.isEmpty() ? nextSlot : resend.first();
            if (want >= slotCount || port.credit.balance(target(), flow()) >= TetherCredit.frameLength(slotLength(want))) return;
            port.send(peer, target(), flow(), TetherPort.FLAG_LAMP, want, 0, 0, new byte[0]);
            port.event("starved of credit (" + have + " bytes) waiting to send slot " + wanted + ": probe sent");
            armProbe();
        });
    }

    private void sendManifest() {
        long topUp = controlSpentByPeer;
        if (!sendControl(new Manifest(flow(), checksum, slotCount, dataFrames), topUp)) return;
        controlSpentByPeer -= topUp;
        manifestCurrent = true;
        port.event("manifest sent: " + slotCount + " slots / " + dataFrames + " frames");
        armRetry();
    }

    /** A non-LAMP control frame, paid from flow-0 credit; without enough, lights a Lamp (if allowed) and waits. */
    private boolean sendControl(TetherControl control, long grant) {
        long cost = TetherCredit.cost(0, TetherCredit.frameLength(control.encodedSize()));
        if (!port.credit.trySpend(target(), 0, cost)) {
            if (config.lamp() && !lampPending) {
                port.event("control credit exhausted; relighting the lamp");
                lamp();
            }
            return false;
        }
        port.sendControl(peer, target(), 0, grant, control);
        return true;
    }

    /** One timer serves whichever step waits for the peer: the Hail, the first grant, the confirmation. */
    private void armRetry() {
        retryTimer.cancel();
        retryTimer = scheduler.schedule(config.retryNanos(), this::retry);
    }

    private void retry() {
        if (phase == Phase.DONE) return;
        if (++retries > config.maxRetries()) {
            finish(switch (phase) {
                case HAILING -> lampPending ? SendResult.Status.NO_HAIL : SendResult.Status.NO_CREDIT;
                case DEFINING -> SendResult.Status.NO_CREDIT;
                default -> SendResult.Status.UNCONFIRMED;
            });
            return;
        }
        if (lampPending) {
            lamp();
            return;
        }
        switch (phase) {
            case DEFINING -> { // the Define or its grant was lost
                if (sendControl(new Define(flow(), config.slotSize(), contentLength), 0)) port.event("define re-sent");
                armRetry();
            }
            case SENDING -> { // the Manifest or the confirmation was lost
                manifestCurrent = false;
                pump();
                if (!manifestCurrent) armRetry();
            }
            default -> armRetry();
        }
    }

    private int slotLength(long slot) {
        return (int) TetherSlots.length(slot, config.slotSize(), contentLength);
    }

    private byte[] slotBytes(long slot) {
        return content.asSlice(slot * config.slotSize(), slotLength(slot)).toArray(ValueLayout.JAVA_BYTE);
    }

    private void finish(SendResult.Status status) {
        if (phase == Phase.DONE) return;
        phase = Phase.DONE;
        retryTimer.cancel();
        deadlineTimer.cancel();
        silenceTimer.cancel();
        completion.complete(new SendResult(status, slotCount, dataFrames, checksum, now() - startNanos, counters.snapshot()));
    }
}
