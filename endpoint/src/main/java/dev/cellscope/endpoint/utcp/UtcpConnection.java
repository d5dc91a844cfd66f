package dev.cellscope.endpoint.utcp;

import dev.cellscope.endpoint.core.Scheduler;
import dev.cellscope.endpoint.core.Scheduler.Cancellable;
import dev.cellscope.protocol.utcp.UtcpFlags;
import dev.cellscope.protocol.utcp.UtcpReconnect;
import dev.cellscope.protocol.utcp.UtcpSeq;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.Decoded;
import dev.cellscope.wire.NackRange;
import dev.cellscope.wire.UtcpHeader;
import dev.cellscope.wire.UtcpNack;
import dev.cellscope.wire.UtcpPacket;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * One UTCP conversation between a CellID of ours and a peer CellID: a reliable byte stream each
 * way, recovered by NACKs only (no ACK flows while nothing is lost). All methods must be called
 * on the endpoint's scheduler thread; callbacks run there too. The README describes every packet
 * this sends and why.
 */
public final class UtcpConnection {

    /** Why a connection ended; {@code error} is false only for a clean FIN/ACK close both ways. */
    public record CloseReason(boolean error, String message) {}

    private static final long MAX_RETRY_NANOS = 2_000_000_000L;

    private final Scheduler scheduler;
    private final UtcpConfig cfg;
    private final Bytes local;
    private final Bytes peer;
    private final Consumer<byte[]> out;
    private final Runnable gone;
    private final Consumer<String> endpointEvents;
    private final UtcpCounters.Tally tally = new UtcpCounters.Tally();

    // Our direction.
    private final long isn;
    private final RetransmitBuffer buffer;
    private final ArrayDeque<RetransmitBuffer.Entry> retransmitQueue = new ArrayDeque<>();
    private final ArrayDeque<PendingWrite> pendingWrites = new ArrayDeque<>();
    private long sendCursor;
    private long synSentAt = -1;
    /** Our SYN went out more than once: its ACK cannot tell which copy it answers, so it gives no RTT (Karn). */
    private boolean synRepeated;
    private boolean synAcked;
    private boolean closeRequested;
    private boolean finSent;
    private boolean finAcked;
    private long finSeq = -1;
    private long nackPoint;
    private long nextSendAt = Long.MIN_VALUE;
    private boolean writerBlocked;
    /** Bytes in {@link #pendingWrites} not yet taken into the retransmit buffer. */
    private long queuedBytes;
    private boolean resumeScheduled;
    private boolean writableNotifyScheduled;
    private Cancellable retryTimer;
    private Cancellable paceTimer;
    private Cancellable releaseTimer;

    // The peer's direction.
    private ReorderWindow rcv;
    private long peerIsn = -1;
    private long peerFin = -1;
    private boolean peerClosed;
    private Cancellable nackTimer;
    private long nackTimerAt = Long.MAX_VALUE;

    private long rtt;
    private long lastActivity;
    /** When the peer last sent us anything: a silent old connection gives way to the peer's new SYN. */
    private long lastReceived;
    private Cancellable idleTimer;
    /** Tail-loss probe: an ACK after the sender goes idle, so a lost last packet is noticed and NACKed. */
    private Cancellable probeTimer;
    private long lastNackAt = -1;
    /** The layer above confirms deliveries on this connection ({@link #confirmDelivered}): it clocks the buffer, not time. */
    private boolean answered;
    private static final long RECENT_SEND_CAP = 10_000_000L;
    private long probedCursor = -1;
    private int probes;
    private CloseReason closed;
    private boolean lingering;

    private Consumer<byte[]> onData;
    private Runnable onEnd;
    private Runnable onOpen;
    private Runnable onWritable;
    private Consumer<CloseReason> onClosed;
    private Consumer<String> onEvent;

    private static final class PendingWrite {
        final byte[] data;
        int offset;
        final Runnable accepted;

        PendingWrite(byte[] data, Runnable accepted) {
            this.data = data;
            this.accepted = accepted;
        }
    }

    UtcpConnection(Scheduler scheduler, UtcpConfig cfg, Bytes local, Bytes peer, long isn, Consumer<byte[]> out,
                   Runnable gone, Consumer<String> endpointEvents) {
        this.scheduler = scheduler;
        this.cfg = cfg;
        this.local = local;
        this.peer = peer;
        this.isn = isn;
        this.out = out;
        this.gone = gone;
        this.endpointEvents = endpointEvents;
        this.buffer = new RetransmitBuffer(cfg.bufferPackets(), cfg.bufferBytes(), isn + 1);
        this.sendCursor = isn + 1;
        this.nackPoint = isn + 1;
        this.rtt = cfg.initialRttNanos();
        this.lastActivity = now();
        this.lastReceived = lastActivity;
        armIdle(cfg.idleTimeoutNanos());
    }

    // ---------------------------------------------------------------- public API

    public Bytes localCellId() {
        return local;
    }

    public Bytes peerCellId() {
        return peer;
    }

    /** Receives the peer's bytes in order, one DATA payload at a time. */
    public void onData(Consumer<byte[]> listener) {
        this.onData = listener;
    }

    /** Runs once the peer has closed its direction and every byte of it was delivered (end of stream). */
    public void onEnd(Runnable listener) {
        this.onEnd = listener;
    }

    /** Runs once both SYNs are acknowledged. */
    public void onOpen(Runnable listener) {
        this.onOpen = listener;
    }

    /** Runs when a {@link #write} that took less than offered can take more. */
    public void onWritable(Runnable listener) {
        this.onWritable = listener;
    }

    public void onClosed(Consumer<CloseReason> listener) {
        this.onClosed = listener;
    }

    /** Human-readable events (open, NACKs, retransmissions, close) for the CLI. */
    public void onEvent(Consumer<String> listener) {
        this.onEvent = listener;
    }

    public boolean isOpen() {
        return closed == null && synAcked && rcv != null;
    }

    public boolean isClosed() {
        return closed != null;
    }

    /** Null while the connection lives. */
    public CloseReason closeReason() {
        return closed;
    }

    /** Whether the peer's direction is complete (its FIN arrived after all its data and we ACKed it). */
    public boolean peerFinished() {
        return peerClosed;
    }

    /** Whether our FIN was acknowledged (the peer has every byte we wrote). */
    public boolean finAcknowledged() {
        return finAcked;
    }

    public UtcpCounters counters() {
        return tally.snapshot();
    }

    /** When anything was last sent or received (scheduler clock): the endpoint evicts the idlest first. */
    long lastActivityNanos() {
        return lastActivity;
    }

    /** RTT measured from our SYN to its ACK (the configured guess until then). */
    public long rttNanos() {
        return rtt;
    }

    /**
     * A receiver's later RTT sample (NACK to re-sent copy, {@link ReorderWindow}) may only lower the RTT: the one
     * taken at the SYN on a JVM milliseconds old was 27-86 ms on loopback (issue 12 item 8), and the NACK repeat
     * (2 × RTT) made every lost re-send or NACK cost that much twice. A slow sample (a busy sender) is ignored.
     */
    private void lowerRtt(long sample) {
        if (sample > 0 && sample < rtt) rtt = sample;
    }

    /** DATA packets held for retransmission or waiting for the pacer. */
    public int bufferedPackets() {
        return buffer.size();
    }

    /** Bytes queued by {@link #writeAll} that are not in the retransmit buffer yet. */
    public long queuedBytes() {
        return queuedBytes;
    }

    /** Writes queued by {@link #writeAll} that are not wholly in the retransmit buffer yet. */
    public int queuedWrites() {
        return pendingWrites.size();
    }

    /** Whether delivery of the peer's data is stopped because our queued output is over the bound. */
    public boolean readingPaused() {
        return rcv != null && rcv.paused();
    }

    /** Payload bytes {@link #write} would take now. */
    public long writableBytes() {
        if (!canWrite() || !pendingWrites.isEmpty()) return 0;
        return buffer.room();
    }

    /**
     * Takes as much of {@code data[off, off+len)} as the retransmit buffer has room for, cut into
     * DATA packets of at most MSS bytes, and returns how many bytes it took. When it takes less,
     * {@link #onWritable} runs once there is room again (back-pressure).
     *
     * @throws IllegalStateException after {@link #close()} or once the connection has ended
     */
    public int write(byte[] data, int off, int len) {
        if (!canWrite()) throw new IllegalStateException("connection " + (closed != null ? "closed: " + closed.message() : "closing"));
        int taken = pendingWrites.isEmpty() ? append(data, off, len) : 0;
        if (taken < len) writerBlocked = true;
        if (taken > 0) pump();
        return taken;
    }

    public int write(byte[] data) {
        return write(data, 0, data.length);
    }

    /**
     * Queues all of {@code data} and feeds it into the buffer as room appears; {@code accepted}
     * runs once the last byte is in. The array must not change until then. The queue itself takes
     * any amount, but while it holds more than {@link UtcpConfig#maxQueuedBytes} bytes or
     * {@link UtcpConfig#maxQueuedWrites} writes the connection stops delivering the peer's data
     * (it is held, then dropped and NACKed later), so a peer cannot make us queue replies without
     * bound; delivery resumes once half of it drained.
     */
    public void writeAll(byte[] data, Runnable accepted) {
        if (!canWrite()) throw new IllegalStateException("connection closing or closed");
        pendingWrites.add(new PendingWrite(data, accepted));
        queuedBytes += data.length;
        tally.queuedBytesPeak = Math.max(tally.queuedBytesPeak, queuedBytes);
        drainPendingWrites();
        pump();
    }

    /**
     * Closes our direction: once everything written (including queued {@link #writeAll} data) has
     * been sent, sends FIN; the connection ends cleanly when the peer has ACKed our FIN and we
     * have delivered and ACKed the peer's FIN.
     */
    public void close() {
        if (closed != null || closeRequested) return;
        closeRequested = true;
        event("close requested");
        pump();
    }

    /**
     * The layer above has proof that the peer received the first {@code streamBytes} bytes we wrote:
     * it answered a message that ends there (UTCP-SBI: an ACK or NACK whose {@code ref_seq} names it;
     * the stream is delivered in order, so everything before that message arrived too). The packets
     * holding those bytes leave the retransmit buffer now. On a clean path no NACK flows, so without
     * this the buffer is freed only by time; with it, a request/answer protocol frees it as fast as the
     * peer answers, and the buffer works as a flow-control window. A NACK the peer sent before it had
     * these packets is overtaken and ignored (stale), as one overtaken by a later NACK is. Which packets
     * an answer proves, and that a NACK for them is owed nothing, is {@code SbiDeliveryProof}'s rule,
     * shared with the tap (it does not report such a NACK as never answered).
     * A peer that answers what it never received only hurts itself. Scheduler thread only.
     */
    public void confirmDelivered(long streamBytes) {
        if (closed != null) return;
        int freed = buffer.releaseDelivered(streamBytes);
        if (freed == 0) return;
        tally.releasedByAnswer += freed;
        answered = true;
        nackPoint = Math.max(nackPoint, buffer.base());
        pump();
    }

    /**
     * The layer above heard an answer from the peer that frees nothing here (an SBI DAG_SYNC answering
     * our offer): from now on its answers and NACKs clock the buffer and nothing is freed by the short
     * retention ({@link #retention}). Before the first block's ACK a put had only the short retention,
     * 250 ms, and a cold receiver's first NACK, 0.5 s late, found its packet freed (issue 12 item 8:
     * UdpTransferCliTest, 20 MiB with 5% loss). Scheduler thread only.
     */
    public void peerAnswers() {
        answered = true;
    }

    /** Ends the connection now, without a FIN (the peer will time out). */
    public void abort(String why) {
        fail("aborted: " + why);
    }

    /**
     * Ends the connection now, as {@link #abort}, but first sends one FIN (not repeated, nothing waits for its ACK)
     * after what was sent so far: a peer that has all of it sees our direction end and closes at once, instead of
     * waiting out its timers (serve's SIGTERM told its peers nothing). A peer still missing some of it NACKs, is not
     * answered, and times out as before.
     */
    public void abortWithFin(String why) {
        if (closed == null && isOpen() && !finSent) {
            send(sendCursor, UtcpFlags.FIN, null);
            event("FIN sent once, seq " + UtcpSeq.wire(sendCursor) + ": closing now");
        }
        fail("aborted: " + why);
    }

    /**
     * Whether the peer's SYN with {@code wireSeq} starts a new connection in place of this one ({@link UtcpReconnect}:
     * a new seq, and the peer's direction finished — its FIN arrived, or this connection is closed both ways and
     * lingering — or nothing heard from the peer for a second). Without it a reconnect waited out the linger (2 s),
     * the FIN timeout (10 s: our repeated FIN waits for an ACK that an exited peer never sends) or the idle timeout
     * (300 s: a put killed mid-transfer and run again).
     */
    boolean supersededBy(long wireSeq) {
        return UtcpReconnect.replaces(peerIsn, wireSeq, peerClosed || closed != null, now() - lastReceived);
    }

    /** Gives way to the peer's new connection ({@link #supersededBy}): a lingering one goes at once, a live one is aborted. */
    void supersede() {
        if (closed == null) {
            fail("aborted: the peer opened a new connection");
        } else if (lingering) {
            lingering = false;
            gone.run();
        }
    }

    // ---------------------------------------------------------------- opening

    /** Initiator: sends our SYN. */
    void start() {
        sendSyn();
        armRetry(cfg.retryNanos(), now() + cfg.connectTimeoutNanos());
    }

    /** Responder: the peer's SYN opened this; answer with our own SYN, then an ACK for theirs. */
    void acceptSyn(long wireSeq) {
        if (closed != null) return;
        tally.packetsReceived++;
        tally.bytesReceived += UtcpHeader.SIZE;
        openPeerDirection(wireSeq);
        sendSyn();
        sendAck();
        armRetry(cfg.retryNanos(), now() + cfg.connectTimeoutNanos());
    }

    private void sendSyn() {
        synSentAt = now();
        send(isn, UtcpFlags.SYN, null);
        event("SYN sent, seq " + UtcpSeq.wire(isn));
    }

    private void openPeerDirection(long wireSeq) {
        peerIsn = wireSeq;
        rcv = new ReorderWindow(wireSeq + 1, cfg.maxHeldPackets(), cfg.reorderWindowNanos(), cfg.reorderPackets());
        event("peer SYN, seq " + wireSeq);
        maybeOpen();
    }

    private void maybeOpen() {
        if (isOpen()) {
            event("open (rtt " + rtt / 1000 + " µs)");
            if (onOpen != null) onOpen.run();
        }
    }

    // ---------------------------------------------------------------- receiving

    void receive(UtcpPacket p) {
        UtcpHeader h = p.header();
        if (closed != null) {
            // After a clean close we still answer a repeated FIN: our ACK may have been lost.
            if (lingering && h.has(UtcpFlags.FIN)) sendAck();
            return;
        }
        tally.packetsReceived++;
        tally.bytesReceived += UtcpHeader.SIZE + h.payloadLength();
        lastActivity = now();
        // A SYN of the peer's next connection is not news from this one (supersededBy counts the silence).
        if (!h.has(UtcpFlags.SYN) || peerIsn < 0 || h.seq() == peerIsn) lastReceived = lastActivity;
        if (h.has(UtcpFlags.SYN)) onSyn(h.seq());
        if (h.has(UtcpFlags.DATA)) onDataPacket(h.seq(), p.payload());
        if (h.has(UtcpFlags.NACK)) onNack(h.seq(), p.payload());
        if (h.has(UtcpFlags.ACK)) onAck(h.seq());
        if (h.has(UtcpFlags.FIN)) onFin(h.seq());
    }

    private void onSyn(long wireSeq) {
        if (rcv == null) {
            openPeerDirection(wireSeq);
            sendAck();
        } else if (wireSeq == peerIsn) {
            tally.duplicatesDropped++;
            // Re-ACK only while nothing else came: later packets prove the peer had our ACK.
            if (rcv.highest() == peerIsn) sendAck();
        } else {
            event("SYN with a different seq " + wireSeq + " ignored (peer restarted?)");
        }
    }

    private void onDataPacket(long wireSeq, Bytes payload) {
        if (rcv == null) return;
        long seq = UtcpSeq.unwrap(wireSeq, rcv.next());
        if (peerFin >= 0 && seq >= peerFin) return;
        tally.dataPacketsReceived++;
        var outcome = rcv.accept(seq, payload.toArray(), now(), this::deliver);
        lowerRtt(rcv.takeRttSample());
        switch (outcome) {
            case DUPLICATE -> tally.duplicatesDropped++;
            case OUT_OF_WINDOW -> tally.outOfWindowDropped++;
            case DELIVERED, HELD -> { }
        }
        afterReceive();
    }

    private void deliver(byte[] payload) {
        tally.bytesDelivered += payload.length;
        long queuedBefore = queuedBytes;
        int writesBefore = pendingWrites.size();
        if (onData != null) onData.accept(payload);
        // Checked per delivered packet: one packet's requests may overshoot the bound (a 1400-byte payload holds
        // at most 22 SBI messages). Only a delivery that queued more pauses reading: the peer's requests are what
        // is pushed back, never its answers to what we queued ourselves (a put's blocks), which drain our queue.
        boolean queuedMore = queuedBytes > queuedBefore || pendingWrites.size() > writesBefore;
        if (closed == null && !rcv.paused() && queuedMore && overQueueBound()) {
            rcv.pause();
            tally.readPauses++;
            event("reading paused: " + queuedBytes + " bytes in " + pendingWrites.size() + " writes queued");
        }
    }

    private boolean overQueueBound() {
        return queuedBytes > cfg.maxQueuedBytes() || pendingWrites.size() > cfg.maxQueuedWrites();
    }

    /** Once half the bound drained, delivery resumes (later, not inside the write that drained it). */
    private void maybeResumeReading() {
        if (rcv == null || !rcv.paused() || resumeScheduled) return;
        if (queuedBytes > cfg.maxQueuedBytes() / 2 || pendingWrites.size() > cfg.maxQueuedWrites() / 2) return;
        resumeScheduled = true;
        scheduler.execute(() -> {
            resumeScheduled = false;
            if (closed != null || !rcv.paused()) return;
            event("reading resumed");
            rcv.resume(this::deliver);
            afterReceive();
        });
    }

    private void onFin(long wireSeq) {
        if (rcv == null) return;
        if (peerClosed) {
            sendAck();
            return;
        }
        long seq = UtcpSeq.unwrap(wireSeq, rcv.next());
        if (peerFin < 0) {
            peerFin = seq;
            event("peer FIN, seq " + wireSeq);
        }
        rcv.arrived(seq, now());
        afterReceive();
    }

    /** The peer's ACK/NACK carries its next unused seq: everything below exists (reveals tail loss). */
    private void announceFromPeer(long wireSeq) {
        if (rcv == null || peerClosed) return;
        long upTo = UtcpSeq.unwrap(wireSeq, rcv.next());
        if (peerFin >= 0) upTo = Math.min(upTo, peerFin + 1);
        rcv.announce(upTo, now());
        afterReceive();
    }

    private void afterReceive() {
        if (peerFin >= 0 && !peerClosed && rcv.next() == peerFin) {
            peerClosed = true;
            cancel(nackTimer);
            nackTimer = null;
            sendAck();
            event("peer direction closed after " + tally.bytesDelivered + " bytes");
            if (onEnd != null) onEnd.run();
            maybeFinished();
            return;
        }
        armNack(rcv.nextDue());
    }

    private void onAck(long wireSeq) {
        tally.acksReceived++;
        announceFromPeer(wireSeq);
        if (closed != null) return;
        if (!synAcked && synSentAt >= 0) {
            synAcked = true;
            // Karn's rule: after a repeated SYN the ACK may answer the first copy (a cold peer is slow, not the
            // path), which would inflate the RTT and with it the retention; keep the configured guess instead.
            if (!synRepeated) rtt = Math.max(1, now() - synSentAt);
            cancel(retryTimer);
            event("SYN acknowledged");
            maybeOpen();
            pump();
        } else if (finSent && !finAcked) {
            finAcked = true;
            cancel(retryTimer);
            tally.releasedByFin += buffer.releaseBelow(buffer.end());
            retransmitQueue.clear();
            event("FIN acknowledged: our direction closed after " + tally.dataBytesSent + " bytes");
            maybeFinished();
        }
    }

    // ---------------------------------------------------------------- NACKs

    private void armNack(long at) {
        if (at == Long.MAX_VALUE || closed != null) return;
        if (nackTimer != null && nackTimerAt <= at) return;
        cancel(nackTimer);
        nackTimerAt = at;
        nackTimer = scheduler.schedule(at - now(), () -> {
            nackTimer = null;
            nackTimerAt = Long.MAX_VALUE;
            sendDueNacks();
        });
    }

    private void sendDueNacks() {
        // Paused: what we would NACK could not be taken anyway; resuming re-arms the NACK timer.
        if (closed != null || rcv == null || peerClosed || rcv.paused()) return;
        long now = now();
        long oldest = rcv.oldestNackAt();
        if (oldest >= 0 && now - oldest > cfg.nackTimeoutNanos()) {
            fail("NACK not answered: seq " + UtcpSeq.wire(rcv.lowestMissing()) + " still missing "
                    + (now - oldest) / 1_000_000 + " ms after the first NACK");
            return;
        }
        int maxRanges = Math.min(UtcpNack.MAX_RANGES, cfg.mss() / 8);
        long repeat = Math.max(cfg.nackRepeatMinNanos(), 2 * rtt);
        List<NackRange> ranges = rcv.collectNack(now, maxRanges, repeat, Math.max(repeat, cfg.nackRepeatMaxNanos()));
        if (!ranges.isEmpty()) {
            tally.nacksSent++;
            for (NackRange r : ranges) tally.nackedSeqs += r.count();
            send(nextUnused(), UtcpFlags.NACK, new UtcpNack(ranges).encode());
            if (onEvent != null || endpointEvents != null) event("NACK sent: " + describe(ranges));
        }
        armNack(rcv.nextDue());
    }

    private void onNack(long wireSeq, Bytes payload) {
        tally.nacksReceived++;
        announceFromPeer(wireSeq);
        if (closed != null) return;
        // A tail probe: its seq (announced above) was all it carried. It is the peer's sender falling idle,
        // not evidence of loss on our path, so it must not switch our retention to the lossy-path hold.
        if (payload.length() == 0) return;
        lastNackAt = now();
        if (!(UtcpNack.decode(payload.toArray()) instanceof Decoded.Ok<UtcpNack>(UtcpNack nack, int ignored))
                || nack.ranges().isEmpty()) {
            event("malformed NACK ignored");
            return;
        }
        long first = UtcpSeq.unwrap(nack.ranges().getFirst().first(), nackPoint);
        if (first < nackPoint) {
            // An older NACK overtaken by a newer one (its requests were already served), or by an SBI answer that
            // proved those seqs delivered (confirmDelivered): the tap gives such seqs up too (SbiDeliveryProof).
            tally.staleNacksIgnored++;
            return;
        }
        nackPoint = first;
        long now = now();
        int queued = 0;
        for (NackRange r : nack.ranges()) {
            long start = UtcpSeq.unwrap(r.first(), first);
            long end = start + Math.min(r.count(), Math.max(0, sendCursor + 1 - start));
            for (long s = start; s < end; s++) {
                if (finSent && s == finSeq) {
                    send(finSeq, UtcpFlags.FIN, null);
                    tally.retransmissions++;
                } else if (s < buffer.base()) {
                    fail("peer NACKed seq " + UtcpSeq.wire(s) + ", which was already freed from the retransmit buffer"
                            + " (oldest held: " + UtcpSeq.wire(buffer.base()) + "): data lost");
                    return;
                } else if (s < sendCursor) {
                    RetransmitBuffer.Entry e = buffer.get(s);
                    // A NACK arriving within an RTT of our last send of that seq was sent before it could arrive.
                    // Re-sent within the last (capped) RTT: this NACK was sent before the copy could arrive.
                    // The cap keeps a first RTT inflated by start-up from silencing NACKs; an extra copy is harmless.
                    if (e.queuedForRetransmit || now - e.lastSentAt < Math.min(rtt, RECENT_SEND_CAP)) continue;
                    e.queuedForRetransmit = true;
                    retransmitQueue.add(e);
                    queued++;
                }
            }
        }
        tally.releasedByNack += buffer.releaseBelow(first);
        if (queued > 0 && (onEvent != null || endpointEvents != null)) {
            event("NACK received: " + describe(nack.ranges()) + ", retransmitting " + queued);
        }
        pump();
    }

    private static String describe(List<NackRange> ranges) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < ranges.size() && i < 8; i++) {
            NackRange r = ranges.get(i);
            b.append(i == 0 ? "" : " ").append(r.first()).append(r.count() > 1 ? "+" + r.count() : "");
        }
        if (ranges.size() > 8) b.append(" …(").append(ranges.size()).append(" ranges)");
        return b.toString();
    }

    // ---------------------------------------------------------------- sending

    private boolean canWrite() {
        return closed == null && !closeRequested;
    }

    private int append(byte[] data, int off, int len) {
        int taken = 0;
        while (taken < len) {
            int chunk = Math.min(cfg.mss(), len - taken);
            if (buffer.room() < chunk) break;
            buffer.append(Arrays.copyOfRange(data, off + taken, off + taken + chunk));
            taken += chunk;
        }
        return taken;
    }

    private void drainPendingWrites() {
        PendingWrite w;
        while ((w = pendingWrites.peek()) != null) {
            int took = append(w.data, w.offset, w.data.length - w.offset);
            w.offset += took;
            queuedBytes -= took;
            if (w.offset < w.data.length) break;
            pendingWrites.poll();
            if (w.accepted != null) scheduler.execute(w.accepted);
        }
        maybeResumeReading();
    }

    /** Sends what the pacer allows: retransmissions first, then new DATA, then the FIN. */
    private void pump() {
        if (closed != null || !synAcked) return;
        long now = now();
        releaseByTime(now);
        drainPendingWrites();
        long pace = cfg.paceBytesPerSecond();
        while (true) {
            if (pace > 0 && nextSendAt > now) {
                armPace(nextSendAt);
                break;
            }
            RetransmitBuffer.Entry e = nextToSend();
            if (e == null) break;
            boolean again = e.lastSentAt >= 0;
            send(e.seq, UtcpFlags.DATA, e.payload);
            e.lastSentAt = now;
            e.queuedForRetransmit = false;
            if (again) {
                tally.retransmissions++;
            } else {
                tally.dataPacketsSent++;
                tally.dataBytesSent += e.payload.length;
            }
            if (pace > 0) {
                long burst = cfg.burstBytes() * 1_000_000_000L / pace;
                nextSendAt = Math.max(nextSendAt, now - burst) + (UtcpHeader.SIZE + e.payload.length) * 1_000_000_000L / pace;
            }
        }
        if (closeRequested && !finSent && pendingWrites.isEmpty() && sendCursor == buffer.end() && retransmitQueue.isEmpty()) {
            sendFin();
        }
        if (writerBlocked && buffer.room() >= cfg.mss() && pendingWrites.isEmpty()) notifyWritable();
        armRelease();
        armTailProbe();
    }

    /**
     * Without ACKs a receiver cannot see that the last packets of a burst were lost (nothing
     * later arrives to show the gap). When the sender falls idle it sends one NACK with no ranges
     * carrying its next unused seq (PROTOCOLS.md: NACKs carry it without consuming it); the
     * receiver then NACKs a lost tail. Not an ACK: an ACK would be taken for the ACK of a FIN
     * (UTCP has no acknowledgement number). Repeated twice with doubling delay in case the probe
     * itself is lost.
     */
    private void armTailProbe() {
        // Only at the end of what the application wrote: a sender waiting for buffer room will send more soon.
        if (closed != null || finSent || sendCursor != buffer.end() || !pendingWrites.isEmpty() || writerBlocked
                || tally.dataPacketsSent == 0 || probedCursor == sendCursor) return;
        cancel(probeTimer);
        probes = 0;
        long cursor = sendCursor;
        long delay = Math.max(2 * rttNanos(), 2 * cfg.reorderWindowNanos());
        probeTimer = scheduler.schedule(delay, () -> probe(cursor, delay));
    }

    private void probe(long cursor, long delay) {
        probeTimer = null;
        if (closed != null || finSent || sendCursor != cursor || !pendingWrites.isEmpty()) return;
        probedCursor = cursor;
        send(nextUnused(), UtcpFlags.NACK, new byte[0]);
        if (++probes < 3) probeTimer = scheduler.schedule(delay << probes, () -> probe(cursor, delay));
    }

    private RetransmitBuffer.Entry nextToSend() {
        RetransmitBuffer.Entry e;
        while ((e = retransmitQueue.poll()) != null) {
            if (e.seq >= buffer.base() && e.queuedForRetransmit) return e;
        }
        return sendCursor < buffer.end() ? buffer.get(sendCursor++) : null;
    }

    private long tailKeepFrom() {
        return sendCursor - Math.min(cfg.tailKeepPackets(), cfg.bufferPackets() / 2);
    }

    private void releaseByTime(long now) {
        tally.releasedByTime += buffer.releaseSentBy(now - retention(now), tailKeepFrom());
    }

    /**
     * How long a sent packet is kept without news. On a path that has lost packets lately a NACK
     * (or its repetition) can come late, so packets are kept until the receiver would give up
     * (the NACK timeout); NACKs also free everything below the receiver's next expected seq, so
     * a lossy path does not fill the buffer. A clean path releases after the short retention once
     * the buffer is half full; below that nothing is freed before twice the NACK timeout.
     */
    private long retention(long now) {
        // While the buffer is under half full, holding costs nothing: keep every packet as long as the receiver
        // could still ask for it. A NACK can come late (a receiver busy sending, a cold JVM): freeing early kills the
        // connection ("already freed"), so the shorter retentions below apply only when the buffer is filling up.
        if (buffer.size() < cfg.bufferPackets() / 2 && buffer.bytes() < cfg.bufferBytes() / 2) return 2 * cfg.nackTimeoutNanos();
        // The peer's answers free what it has, as fast as it answers: a full buffer then means the peer is behind,
        // and the sender must wait for it (flow control), not guess by time and lose what a late NACK asks for.
        if (answered) return 2 * cfg.nackTimeoutNanos();
        // Once the path has lost packets, keep them as long as the receiver could still ask (twice its NACK timeout).
        if (lastNackAt >= 0) return 2 * cfg.nackTimeoutNanos();
        // A NACK needs a round trip (and the receiver's reorder window) to come back: never free sooner.
        return Math.max(cfg.retentionNanos(), 8 * rtt + 4 * cfg.reorderWindowNanos());
    }

    /** Wakes up when the oldest packet's retention ends, so an idle sender frees its buffer too (one timer at a time). */
    private void armRelease() {
        if (releaseTimer != null) return;
        RetransmitBuffer.Entry oldest = buffer.oldest();
        if (oldest == null || oldest.lastSentAt < 0 || oldest.queuedForRetransmit || oldest.seq >= tailKeepFrom()) return;
        releaseTimer = scheduler.schedule(oldest.lastSentAt + retention(now()) - now(), () -> {
            releaseTimer = null;
            pump();
        });
    }

    private void armPace(long at) {
        if (paceTimer != null) return;
        paceTimer = scheduler.schedule(at - now(), () -> {
            paceTimer = null;
            pump();
        });
    }

    private void notifyWritable() {
        if (writableNotifyScheduled) return;
        writableNotifyScheduled = true;
        scheduler.execute(() -> {
            writableNotifyScheduled = false;
            if (closed != null || !writerBlocked) return;
            writerBlocked = false;
            if (onWritable != null) onWritable.run();
        });
    }

    private void sendFin() {
        finSeq = sendCursor;
        finSent = true;
        send(finSeq, UtcpFlags.FIN, null);
        event("FIN sent, seq " + UtcpSeq.wire(finSeq));
        armRetry(Math.max(cfg.retryNanos(), 2 * rtt), now() + cfg.finTimeoutNanos());
    }

    /** Repeats our SYN or FIN, doubling the delay, until it is ACKed or {@code deadline} passes. */
    private void armRetry(long delay, long deadline) {
        cancel(retryTimer);
        retryTimer = scheduler.schedule(delay, () -> {
            if (closed != null) return;
            boolean synPending = !synAcked, finPending = finSent && !finAcked;
            if (!synPending && !finPending) return;
            if (now() >= deadline) {
                fail(synPending ? "connect timeout: SYN not acknowledged" : "close timeout: FIN not acknowledged");
                return;
            }
            if (synPending) {
                send(isn, UtcpFlags.SYN, null);
                synRepeated = true;
            } else {
                send(finSeq, UtcpFlags.FIN, null);
            }
            tally.retransmissions++;
            event((synPending ? "SYN" : "FIN") + " repeated");
            armRetry(Math.min(MAX_RETRY_NANOS, delay * 2), deadline);
        });
    }

    private void sendAck() {
        tally.acksSent++;
        send(nextUnused(), UtcpFlags.ACK, null);
    }

    /** ACK and NACK carry our next unused seq without consuming it (PROTOCOLS.md section 2). */
    private long nextUnused() {
        if (finSent) return finSeq + 1;
        return synSentAt >= 0 ? sendCursor : isn;
    }

    private void send(long seq, int flags, byte[] payload) {
        Bytes body = payload == null ? Bytes.EMPTY : Bytes.of(payload);
        byte[] frame = new UtcpPacket(new UtcpHeader(local, peer, UtcpSeq.wire(seq), flags, body.length()), body).encode();
        tally.packetsSent++;
        tally.bytesSent += frame.length;
        lastActivity = now();
        out.accept(frame);
    }

    // ---------------------------------------------------------------- ending

    private void maybeFinished() {
        if (!finAcked || !peerClosed || closed != null) return;
        closed = new CloseReason(false, "closed");
        lingering = true;
        cancelTimers();
        event("closed both ways");
        if (onClosed != null) onClosed.accept(closed);
        scheduler.schedule(cfg.lingerNanos(), () -> {
            lingering = false;
            gone.run();
        });
    }

    private void fail(String message) {
        if (closed != null) return;
        closed = new CloseReason(true, message);
        cancelTimers();
        retransmitQueue.clear();
        pendingWrites.clear();
        queuedBytes = 0;
        event("closed: " + message);
        if (onClosed != null) onClosed.accept(closed);
        gone.run();
    }

    private void armIdle(long delay) {
        if (cfg.idleTimeoutNanos() <= 0) return;
        idleTimer = scheduler.schedule(delay, () -> {
            if (closed != null) return;
            long quiet = now() - lastActivity;
            if (quiet >= cfg.idleTimeoutNanos()) fail("idle timeout: nothing sent or received for " + quiet / 1_000_000 + " ms");
            else armIdle(cfg.idleTimeoutNanos() - quiet);
        });
    }

    private void cancelTimers() {
        cancel(probeTimer);
        cancel(retryTimer);
        cancel(paceTimer);
        cancel(releaseTimer);
        cancel(nackTimer);
        cancel(idleTimer);
        paceTimer = null;
        nackTimer = null;
        releaseTimer = null;
    }

    private static void cancel(Cancellable c) {
        if (c != null) c.cancel();
    }

    private long now() {
        return scheduler.clock().nanos();
    }

    private void event(String text) {
        if (onEvent == null && endpointEvents == null) return;
        if (onEvent != null) onEvent.accept(text);
        if (endpointEvents != null) endpointEvents.accept(short8(local) + ">" + short8(peer) + " " + text);
    }

    static String short8(Bytes cellId) {
        return cellId.hex().substring(0, 8);
    }

    @Override
    public String toString() {
        return "UtcpConnection[" + short8(local) + ">" + short8(peer) + (closed != null ? " " + closed.message() : "") + "]";
    }
}
