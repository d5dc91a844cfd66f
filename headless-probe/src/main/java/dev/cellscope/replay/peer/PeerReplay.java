package dev.cellscope.replay.peer;

import dev.cellscope.endpoint.core.Link;
import dev.cellscope.endpoint.core.RealScheduler;
import dev.cellscope.endpoint.core.Scheduler;
import dev.cellscope.endpoint.utcp.UtcpConfig;
import dev.cellscope.endpoint.utcp.UtcpConnection;
import dev.cellscope.endpoint.utcp.UtcpEndpoint;
import dev.cellscope.replay.ReplayException;
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
 * <em>messages</em>, not its packets. A real {@link UtcpEndpoint} of the endpoint module carries
 * them, so the SYNs, seqs, ACKs, NACKs, retransmissions and FINs are the stack's own, fresh; only
 * the UTCP-SBI messages are the capture's, byte for byte (the HANDSHAKE too, whose peer_id names the
 * replayed side's CellID). The initiator's side opens a new connection to the peer ({@link #run});
 * the responder's side listens under the captured responder's CellID for the live initiator (the
 * client under test) to open one ({@link #answer}). Either way the live peer's messages are cut by
 * the protocol module's framer and compared with the captured peer's ({@link AnswerComparison}).
 *
 * <p>A message is sent when the live peer has sent as many messages as the captured peer had
 * before it in the capture (by capture time): a put's BLOCK_PUTs wait for the DAG_SYNC that
 * answers the offer, as the original sender waited; a responder's DAG_SYNC waits for the offer it
 * answers. A peer that stays silent longer than the answer timeout does not stop the replay: the
 * message goes anyway and a note says so. A peer that closes its direction (after a NACK that ends
 * the exchange, say) ends the replay: nothing more is sent. The replayed side's ACK/NACK messages
 * keep their captured ref_seq, which is right while the live peer's messages come in the captured
 * order (what the comparison checks).
 *
 * <p>Replaying the responder, the replay stops at the first live message that differs from the
 * captured one: our messages are answers to the captured initiator's, naming what it offered and
 * asked for (a DAG_SYNC's node list, BLOCK_WANT hashes, ACK ref_seqs), so once the live client says
 * something else they answer a question it did not ask, and its further messages would be
 * differences of our making. The initiator's messages are requests that mean the same whatever the
 * answers, so that side plays them all and compares every answer.
 */
public final class PeerReplay {
    /**
     * What came of a replay.
     *
     * @param livePeer the live peer's CellID: the one we connected to, or the one that connected to us
     */
    public record Result(CapturedConversation conversation, Side side, Bytes livePeer, int sent, List<Answer> captured, List<Answer> live,
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
        return play(scheduler, link, c, side, Duration.ZERO, run -> run.connect(peer, address));
    }

    /**
     * Listens on {@code link} under the captured responder's CellID for one connection, whoever opens
     * it (the live initiator has a CellID of its own), and plays the responder's messages of {@code c}
     * on it; later SYNs are not answered. {@code listening} runs once the endpoint takes SYNs (the
     * moment to tell a user to start the client). Blocks until the exchange ended and the connection closed.
     *
     * @throws ReplayException when nobody connected within {@code acceptTimeout}
     */
    public <A> Result answer(RealScheduler scheduler, Link<A> link, CapturedConversation c, Duration acceptTimeout, Runnable listening)
            throws InterruptedException {
        Result r = play(scheduler, link, c, Side.RESPONDER, acceptTimeout, run -> {
            run.listen();
            listening.run();
        });
        if (r.livePeer() == null) {
            throw new ReplayException("nobody connected to " + c.responder().hex() + " within " + inSeconds(acceptTimeout));
        }
        return r;
    }

    private <A> Result play(RealScheduler scheduler, Link<A> link, CapturedConversation c, Side side, Duration acceptTimeout,
                            Consumer<Run<A>> opening) throws InterruptedException {
        List<CapturedMessage> ours = c.sentBy(side), theirs = c.sentBy(side.other());
        int[] needed = new int[ours.size()];
        for (int i = 0; i < ours.size(); i++) {
            long at = ours.get(i).startNanos();
            needed[i] = (int) theirs.stream().filter(m -> m.endNanos() < at).count();
        }
        List<Answer> captured = theirs.stream().map(m -> Answer.of(m.index(), m.bytes())).toList();
        Run<A> run = new Run<>(scheduler, link, c.cellId(side), side, ours, needed, captured, acceptTimeout);
        long t0 = System.nanoTime();
        scheduler.execute(() -> opening.accept(run));
        // The run ends itself (answers in, or silence past the timeout); this bound only guards against a stack that hangs.
        long bound = acceptTimeout.toNanos() + answerTimeout.toNanos() * (ours.size() + 4L) + TimeUnit.SECONDS.toNanos(30);
        try {
            run.done.get(bound, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            scheduler.execute(() -> run.finish("the replay did not end within " + bound / 1_000_000_000 + " s: stopped"));
            run.done.join();
        }
        List<Answer> live;
        List<String> notes;
        int sent;
        Bytes peer;
        synchronized (run) {
            live = List.copyOf(run.live);
            notes = List.copyOf(run.notes);
            sent = run.next;
            peer = run.conn == null ? null : run.conn.peerCellId();
        }
        // Stopped at a difference: the captured messages after it were not asked for, so they are not "missing".
        List<Answer> comparable = run.stopped ? captured.subList(0, Math.min(captured.size(), live.size())) : captured;
        return new Result(c, side, peer, sent, captured, live, AnswerComparison.compare(comparable, live), notes, System.nanoTime() - t0);
    }

    /** A set duration as a user gave it: "60 s", "0.5 s". */
    public static String inSeconds(Duration d) {
        return java.math.BigDecimal.valueOf(d.toNanos(), 9).stripTrailingZeros().toPlainString() + " s";
    }

    private static String seconds(long nanos) {
        return String.format("%.1f s", nanos / 1e9);
    }

    /** The state of one replay; every method runs on the scheduler thread. */
    private final class Run<A> {
        final RealScheduler scheduler;
        final UtcpEndpoint<A> endpoint;
        final Side side;
        final List<CapturedMessage> ours;
        final int[] needed;
        final List<Answer> captured;
        final long acceptTimeoutNanos;
        final List<Answer> live = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        final SbiFramer framer = new SbiFramer();
        final CompletableFuture<Void> done = new CompletableFuture<>();
        UtcpConnection conn;
        int next;
        long lastHeard;
        boolean closing, listening;
        volatile boolean stopped;
        Scheduler.Cancellable timer;

        Run(RealScheduler scheduler, Link<A> link, Bytes local, Side side, List<CapturedMessage> ours, int[] needed, List<Answer> captured,
            Duration acceptTimeout) {
            this.scheduler = scheduler;
            this.endpoint = new UtcpEndpoint<>(scheduler, link, local, UtcpConfig.defaults());
            this.side = side;
            this.ours = ours;
            this.needed = needed;
            this.captured = captured;
            this.acceptTimeoutNanos = acceptTimeout.toNanos();
        }

        void connect(Bytes peer, A address) {
            endpoint.onEvent(log);
            lastHeard = scheduler.clock().nanos();
            attach(endpoint.connect(peer, address));
            arm();
        }

        void listen() {
            endpoint.onEvent(log);
            listening = true;
            lastHeard = scheduler.clock().nanos();
            endpoint.listen(accepted -> {
                endpoint.listen(null); // one connection: the replay has one exchange to give
                listening = false;
                lastHeard = scheduler.clock().nanos();
                attach(accepted);
            });
            arm();
        }

        void attach(UtcpConnection c) {
            synchronized (this) { conn = c; }
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
                if (next < ours.size() && !stopped) {
                    note("the peer closed its direction after " + live.size() + " messages; " + (ours.size() - next) + " of ours not sent");
                }
                close();
            });
        }

        void received(byte[] chunk) {
            if (stopped) return;
            lastHeard = scheduler.clock().nanos();
            framer.feed(chunk, new SbiFramer.Sink() {
                @Override
                public boolean message(MemorySegment seg, long off, int len, boolean inInput) {
                    byte[] m = seg.asSlice(off, len).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                    Answer a = Answer.of(live.size(), m);
                    synchronized (Run.this) { live.add(a); }
                    if (side == Side.RESPONDER && differs(a)) {
                        stop(a.index());
                        return false;
                    }
                    return true;
                }

                @Override
                public void frameLenRejected(long frameLen, boolean atStreamStart) {
                    note("the peer sent frame_len " + frameLen + ": not a UTCP-SBI message; its stream is not read further");
                }
            });
            pump();
        }

        /** True when the live message {@code a} is not the captured one at its place (or the captured peer sent no more). */
        boolean differs(Answer a) {
            return a.index() >= captured.size() || !AnswerComparison.differs(captured.get(a.index()), a).isEmpty();
        }

        /** The live initiator left the captured exchange: what we have left answers messages it did not send. */
        void stop(int at) {
            stopped = true;
            note("stopped at the live initiator's message " + at + ", the first that differs: our messages answer the captured ones"
                    + (next < ours.size() ? "; " + (ours.size() - next) + " of ours not sent" : ""));
            close();
        }

        /**
         * Sends every message whose answers-before are in. The initiator closes when all are sent and all answers
         * are in, as a client does; the responder when the initiator has closed its direction ({@code onEnd}), as serve does.
         */
        void pump() {
            if (closing || conn == null || !conn.isOpen()) return;
            while (next < ours.size() && live.size() >= needed[next]) send();
            if (side == Side.INITIATOR && next == ours.size() && live.size() >= captured.size()) close();
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
                if (quiet >= (listening ? acceptTimeoutNanos : answerTimeout.toNanos())) silence();
                arm();
            });
        }

        void silence() {
            // The timeout the user gave, not the silence measured: that is checked every tenth of it, so under load it
            // read "2.1 s" for --answer-timeout 2 (a CI run).
            String secs = seconds(listening ? acceptTimeoutNanos : answerTimeout.toNanos());
            if (listening) {
                finish(null); // nobody connected: answer() says so
                return;
            }
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
            } else if (live.size() < captured.size()) {
                note("the peer sent " + live.size() + " messages, the captured peer " + captured.size() + "; waited " + secs + " for more");
                close();
            } else {
                note("the peer did not close its direction within " + secs + " of its last message");
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
