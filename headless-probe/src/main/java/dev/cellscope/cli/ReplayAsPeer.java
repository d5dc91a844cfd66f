package dev.cellscope.cli;

import dev.cellscope.cli.errors.UserError;
import dev.cellscope.crypto.Identities;
import dev.cellscope.dissect.DissectorConfig;
import dev.cellscope.endpoint.core.Link;
import dev.cellscope.endpoint.core.RealScheduler;
import dev.cellscope.endpoint.stack.PeerAddress;
import dev.cellscope.endpoint.stack.StackException;
import dev.cellscope.endpoint.stack.Transport;
import dev.cellscope.replay.ReplayException;
import dev.cellscope.replay.peer.CapturedConversation;
import dev.cellscope.replay.peer.CapturedConversation.Side;
import dev.cellscope.replay.peer.ConversationReader;
import dev.cellscope.replay.peer.PeerReplay;
import dev.cellscope.replay.peer.PeerReplayReport;
import dev.cellscope.session.SessionOptions;
import dev.cellscope.session.SessionResult;
import dev.cellscope.wire.Bytes;

import java.io.IOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * {@code replay --as SIDE}: one side of a captured UTCP-SBI conversation played into a live peer
 * through the endpoint stack ({@link PeerReplay}), its messages compared with the captured ones.
 * The initiator's side connects to the peer ({@code --to}); the responder's listens
 * ({@code --listen}, or {@code -i}) under the captured responder's CellID for the live initiator
 * to connect. Exit 0 when they match, 3 when they differ (so a capture is a regression test).
 */
final class ReplayAsPeer {
    static final int EXIT_DIFFERENT = 3;
    static final Duration DEFAULT_ACCEPT_TIMEOUT = Duration.ofSeconds(60);

    /** @param acceptTimeout {@code --accept-timeout}, or null when not given */
    record Request(Path file, DissectorConfig dissector, String side, String to, String iface, String listen, Integer stream, Duration answerTimeout,
                   Duration acceptTimeout, Path report) {}

    private ReplayAsPeer() {}

    static int run(Request q) throws IOException, InterruptedException {
        // checked before anything is sent: a report that cannot be written was an internal error after the whole replay
        try (OutputFile report = q.report() == null ? null : OutputFile.of(q.report(), "--report", q.file())) {
            return run(q, report);
        }
    }

    private static int run(Request q, OutputFile report) throws IOException, InterruptedException {
        Side named = namedSide(q.side());
        PeerAddress peer = named != null ? checkOptions(named, q) : null; // usage errors before the capture is read
        CapturedConversation c = pick(read(q.file(), q.dissector()), q);
        if (c.problem() != null) throw UserError.failure(q.file() + ": " + c.problem());
        Side side = named != null ? named : side(cellId(q.side()), c);
        if (named == null) peer = checkOptions(side, q);
        if (c.sentBy(side).isEmpty()) {
            throw UserError.failure("conversation " + c.stream() + ": the " + q.side() + " side sent no UTCP-SBI message");
        }
        PeerReplay.Result result = side == Side.INITIATOR
                ? connect(transport(q, new InetSocketAddress("0.0.0.0", 0)), peer, c, q.answerTimeout())
                : answer(q, c);
        if (side == Side.INITIATOR && result.sent() == 0 && result.live().isEmpty()) {
            // never connected: a peer that is down, not one whose answers differ (exit 1 and no report, as the responder's side)
            throw UserError.failure("--to " + q.to() + ": " + result.notes().stream().filter(n -> n.contains("did not open")).findFirst()
                    .orElse("no connection to the peer") + " (is it running there?)");
        }
        String text = PeerReplayReport.text(result);
        try (Writer out = Console.stdout()) {
            out.append(text);
        }
        if (report != null) report.writeText(PeerReplayReport.json(result));
        return result.differences().isEmpty() ? 0 : EXIT_DIFFERENT;
    }

    /**
     * What each side needs: the initiator a peer to connect to (returned), the responder an address to
     * listen on (null returned).
     */
    private static PeerAddress checkOptions(Side side, Request q) {
        if (side == Side.INITIATOR) {
            if (q.to() == null) throw UserError.usage("--as needs --to PEER: the live peer, CELLID@HOST:PORT");
            if (q.acceptTimeout() != null) throw UserError.usage("--accept-timeout is for --as responder (the initiator's side connects)");
            try {
                return PeerAddress.parse(q.to(), null);
            } catch (StackException e) {
                throw UserError.usage("--to: " + e.getMessage());
            }
        } else {
            if (q.to() != null) {
                throw UserError.usage("--to is for --as initiator: replaying the responder, cellscope listens (--listen HOST:PORT, "
                        + "or -i IF) for the live initiator to connect");
            }
            if (q.listen() == null && q.iface() == null) {
                throw UserError.usage("--as responder needs --listen HOST:PORT (or -i IF for raw Ethernet): where the live initiator connects");
            }
            return null;
        }
    }

    private static <A> PeerReplay.Result connect(Transport<A> transport, PeerAddress peer, CapturedConversation c, Duration timeout)
            throws InterruptedException {
        try (RealScheduler scheduler = new RealScheduler("replay-as")) {
            A address;
            try {
                address = transport.address(peer.where());
            } catch (StackException e) {
                throw e.kind() == StackException.Kind.INVALID_REQUEST ? UserError.usage("--to: " + e.getMessage()) : UserError.failure(e.getMessage());
            }
            Link<A> link = open(transport, scheduler);
            try {
                return new PeerReplay(timeout, line -> {}).run(scheduler, link, c, Side.INITIATOR, peer.cellId(), address);
            } finally {
                link.close();
            }
        }
    }

    /** The responder's side: listens, says where on stderr (the line a script waits for to start the client), plays. */
    private static PeerReplay.Result answer(Request q, CapturedConversation c) throws InterruptedException {
        Transport<?> transport = transport(q, null);
        Duration accept = q.acceptTimeout() != null ? q.acceptTimeout() : DEFAULT_ACCEPT_TIMEOUT;
        try (RealScheduler scheduler = new RealScheduler("replay-as")) {
            Link<?> link = open(transport, scheduler);
            String where = transport.describe();
            try {
                return new PeerReplay(q.answerTimeout(), line -> {}).answer(scheduler, link, c, accept, () -> {
                    System.err.println("node " + c.responder().hex() + " on " + where + ", replaying the responder of conversation "
                            + c.stream() + ": waiting up to " + PeerReplay.inSeconds(accept) + " for the initiator to connect");
                    System.err.flush();
                });
            } catch (ReplayException e) {
                throw UserError.failure(e.getMessage() + " (on " + where + ")");
            } finally {
                link.close();
            }
        }
    }

    /** UDP on {@code --listen} (else {@code fallback}), or raw Ethernet on {@code -i}. */
    private static Transport<?> transport(Request q, InetSocketAddress fallback) {
        return q.iface() != null ? Transport.eth(q.iface()) : Transport.udp(q.listen() != null ? ReplayCommand.hostPort("--listen", q.listen()) : fallback);
    }

    private static <A> Link<A> open(Transport<A> transport, RealScheduler scheduler) {
        try {
            return transport.open(scheduler);
        } catch (StackException e) {
            throw UserError.failure(e.getMessage());
        }
    }

    private static List<CapturedConversation> read(Path file, DissectorConfig dissector) {
        if (!Files.exists(file)) throw UserError.failure(file + ": no such file");
        ConversationReader reader = new ConversationReader();
        SessionResult r = Sessions.run(Sessions.of(file, new SessionOptions(dissector, null, false, Long.MAX_VALUE)), reader);
        Sessions.failIfDamaged(file, r, "", "frames were read before it");
        return reader.conversations();
    }

    /** {@code --stream N}, else the first conversation with UTCP-SBI messages. */
    private static CapturedConversation pick(List<CapturedConversation> all, Request q) {
        if (all.isEmpty()) throw UserError.failure(q.file() + ": no UTCP conversation carries data");
        if (q.stream() != null) {
            return all.stream().filter(c -> c.stream() == q.stream()).findFirst().orElseThrow(() -> UserError.usage(
                    "--stream " + q.stream() + ": no such conversation with data (there are: "
                            + String.join(", ", all.stream().map(c -> Integer.toString(c.stream())).toList()) + ")"));
        }
        if (q.side().matches("(?i)[0-9a-f:-]{32,47}")) {
            Bytes id = cellId(q.side());
            return all.stream().filter(c -> c.initiator().equals(id) || c.responder().equals(id)).findFirst()
                    .orElseThrow(() -> UserError.failure(q.file() + ": no conversation with data has CellID " + id.hex()));
        }
        return all.getFirst();
    }

    /** initiator|client or responder|server; null for a CellID (whose side the conversation tells). */
    private static Side namedSide(String spec) {
        return switch (spec.toLowerCase()) {
            case "initiator", "client" -> Side.INITIATOR;
            case "responder", "server" -> Side.RESPONDER;
            default -> {
                cellId(spec); // a usage error now if it is not one
                yield null;
            }
        };
    }

    /** The side whose CellID {@code id} is in {@code c}. */
    private static Side side(Bytes id, CapturedConversation c) {
        if (id.equals(c.initiator())) return Side.INITIATOR;
        if (id.equals(c.responder())) return Side.RESPONDER;
        throw UserError.usage("--as " + id.hex() + ": not a CellID of conversation " + c.stream() + " (" + c.initiator().hex()
                + ", " + c.responder().hex() + ")");
    }

    private static Bytes cellId(String spec) {
        try {
            return Bytes.of(Identities.parseCellId(spec));
        } catch (RuntimeException e) {
            throw UserError.usage("--as " + spec + ": initiator, responder, tether-sender, or a CellID (32 hex digits)");
        }
    }

}
