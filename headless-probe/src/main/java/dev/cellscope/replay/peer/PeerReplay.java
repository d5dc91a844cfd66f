package dev.cellscope.replay.peer;

import dev.cellscope.endpoint.core.Link;
import dev.cellscope.endpoint.core.RealScheduler;
import dev.cellscope.endpoint.utcp.UtcpConfig;
import dev.cellscope.endpoint.utcp.UtcpConnection;
import dev.cellscope.endpoint.utcp.UtcpEndpoint;
import dev.cellscope.replay.peer.CapturedConversation.Side;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.SbiFramer;

import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Plays one side of a captured UTCP-SBI conversation into a live peer (issue 15, item 3): its
 * <em>messages</em>, not its packets. A real {@link UtcpEndpoint} of the endpoint module opens a
 * new connection from the replayed side's CellID to the peer, so the SYNs, seqs, ACKs, NACKs,
 * retransmissions and FINs are the stack's own, fresh; only the UTCP-SBI messages are the
 * capture's, byte for byte (the HANDSHAKE too, whose peer_id names the replayed CellID we connect
 * from). The peer's messages are cut by the protocol module's framer and compared with the
 * captured answers ({@link AnswerComparison}).
 *
 * <p>A message is sent when the live peer has sent as many messages as the captured peer had
 * before it in the capture (by capture time): a put's BLOCK_PUTs wait for the DAG_SYNC that
 * answers the offer, as the original sender waited. A peer that stays silent longer than the
 * answer timeout does not stop the replay: the message goes anyway and a note says so. A peer that
 * closes its direction (after a NACK that ends the exchange, say) ends the replay: nothing more is sent. The
 * replayed side's ACK/NACK messages keep their captured ref_seq, which is right while the live
 * peer's messages come in the captured order (what the comparison checks).
 */
public final class PeerReplay {
    /** What came of a replay. */
    public record Result(CapturedConversation conversation, Side side, int sent, List<Answer> captured, List<Answer> live,
                         List<Difference> differences, List<String> notes, long elapsedNanos) {}

    private final Duration answerTimeout;
    private final Consumer<String> log;

    /**
     * @param answerTimeout how long to wait for the live peer's next message before sending on (or, at the end, giving up)
     * @param log           progress lines (connection events), or a no-op
     */
    public PeerReplay(Duration answerTimeout, Consumer<String> log) {
        this.answerTimeout = answerTimeout;
        this.log = log;
    }

    /**
     * Connects to {@code peer} at {@code address} over {@code link} (driven by {@code scheduler}) and
     * plays {@code side}'s messages of {@code c}. Blocks until the answers are all in (or the timeout
     * passed with none coming) and the connection closed.
     */
    public <A> Result run(RealScheduler scheduler, Link<A> link, CapturedConversation c, Side side, Bytes peer, A address)
            throws InterruptedException {
        List<CapturedMessage> ours = c.sentBy(side), theirs = c.sentBy(side.other());
        int[] needed = new int[ours.size()];
        for (int i = 0; i < ours.size(); i++) {
            long at = ours.get(i).startNanos();
            needed[i] = (int) theirs.stream().filter(m -> m.endNanos() < at).count();
        }
        List<Answer> captured = theirs.stream().map(m -> Answer.of(m.index(), m.bytes())).toList();
        Run<A> run = new Run<>(scheduler, link, c.cellId(side), ours, needed, captured.size());
        long t0 = System.nanoTime();
        scheduler.execute(() -> run.start(peer, address));
        // The run ends itself (answers in, or silence past the timeout); this bound only guards against a stack that hangs.
        long bound = answerTimeout.toNanos() * (ours.size() + 4L) + TimeUnit.SECONDS.toNanos(30);
        try {
            run.done.get(bound, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            scheduler.execute(() -> run.finish("the replay did not end within " + bound / 1_000_000_000 + " s: stopped"));
            run.done.join();
        }
        List<Answer> live;
        List<String> notes;
        int sent;
        synchronized (run) {
            live = List.copyOf(run.live);
            notes = List.copyOf(run.notes);
            sent = run.next;
        }
        return new Result(c, side, sent, captured, live, AnswerComparison.compare(captured, live), notes, System.nanoTime() - t0);
    }

    /** The state of one replay; every method runs on the scheduler thread. */
    private final class Run<A> {
        final RealScheduler scheduler;
        final UtcpEndpoint<A> endpoint;
        final List<CapturedMessage> ours;
        final int[] needed;
        final int expected;
        final List<Answer> live = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        final SbiFramer framer = new SbiFramer();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        UtcpConnection conn;
        int next;
        long lastHeard;
        boolean closing;
        dev.cellscope.endpoint.core.Scheduler.Cancellable timer;

        Run(RealScheduler scheduler, Link<A> link, Bytes local, List<CapturedMessage> ours, int[] needed, int expected) {
            this.scheduler = scheduler;
            this.endpoint = new UtcpEndpoint<>(scheduler, link, local, UtcpConfig.defaults());
            this.ours = ours;
            this.needed = needed;
            this.expected = expected;
        }

        void start(Bytes peer, A address) {
            endpoint.onEvent(log);
            lastHeard = scheduler.clock().nanos();
            conn = endpoint.connect(peer, address);
            conn.onData(this::received);
            conn.onOpen(() -> {
                lastHeard = scheduler.clock().nanos();
                pump();
            });
            conn.onClosed(reason -> {
                if (reason.error()) synchronized (this) { notes.add("connection closed: " + reason.message()); }
                finish(null);
            });
            conn.onEnd(() -> {
                // no answer can come any more: what is left of ours would go unanswered, so the replay ends here
                if (next < ours.size()) note("the peer closed its direction after " + live.size() + " messages; " + (ours.size() - next) + " of ours not sent");
                close();
            });
            arm();
        }

        void received(byte[] chunk) {
            lastHeard = scheduler.clock().nanos();
            framer.feed(chunk, new SbiFramer.Sink() {
                @Override
                public boolean message(MemorySegment seg, long off, int len, boolean inInput) {
                    byte[] m = seg.asSlice(off, len).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                    synchronized (Run.this) { live.add(Answer.of(live.size(), m)); }
                    return true;
                }

                @Override
                public void frameLenRejected(long frameLen, boolean atStreamStart) {
                    note("the peer sent frame_len " + frameLen + ": not a UTCP-SBI message; its stream is not read further");
                }
            });
            pump();
        }

        /** Sends every message whose answers-before are in; ends when all are sent and all answers are in. */
        void pump() {
            if (closing || conn == null || !conn.isOpen()) return;
            while (next < ours.size() && live.size() >= needed[next]) send();
            if (next == ours.size() && live.size() >= expected) close();
        }

        void pumpLater() {
            scheduler.execute(this::pump);
        }

        void send() {
            conn.writeAll(ours.get(next).bytes(), () -> {});
            synchronized (this) { next++; }
        }

        /** Checks for silence every tenth of the timeout. */
        void arm() {
            long period = Math.max(1_000_000L, answerTimeout.toNanos() / 10);
            timer = scheduler.schedule(period, () -> {
                if (done.isDone()) return;
                long quiet = scheduler.clock().nanos() - lastHeard;
                if (quiet >= answerTimeout.toNanos()) silence(quiet);
                arm();
            });
        }

        void silence(long quietNanos) {
            String secs = String.format("%.1f s", quietNanos / 1e9);
            if (conn == null || !conn.isOpen() && !conn.isClosed()) {
                finish("the peer did not open the connection within " + secs);
                return;
            }
            lastHeard = scheduler.clock().nanos();
            if (closing) {
                finish("the connection did not close within " + secs + " of our FIN");
            } else if (next < ours.size()) {
                note("waited " + secs + " for the peer's message " + needed[next] + " (it had sent " + live.size()
                        + "): sent our message " + next + " without it");
                send();
                pump();
            } else {
                note("the peer sent " + live.size() + " messages, the captured peer " + expected + "; waited " + secs + " for more");
                close();
            }
        }

        void close() {
            if (closing) return;
            closing = true;
            conn.close();
        }

        void note(String line) {
            synchronized (this) { notes.add(line); }
        }

        void finish(String why) {
            if (done.isDone()) return;
            if (why != null) note(why);
            if (timer != null) timer.cancel();
            if (conn != null && !conn.isClosed()) conn.abort(why != null ? why : "replay finished");
            endpoint.close();
            done.complete(null);
        }
    }
}
