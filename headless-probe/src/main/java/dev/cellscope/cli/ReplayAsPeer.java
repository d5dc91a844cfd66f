package dev.cellscope.cli;

import dev.cellscope.cli.errors.UserError;
import dev.cellscope.crypto.Identities;
import dev.cellscope.dissect.DissectorConfig;
import dev.cellscope.endpoint.core.Link;
import dev.cellscope.endpoint.core.RealScheduler;
import dev.cellscope.endpoint.stack.PeerAddress;
import dev.cellscope.endpoint.stack.StackException;
import dev.cellscope.endpoint.stack.Transport;
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
 * {@code replay --as SIDE --to PEER}: one side of a captured UTCP-SBI conversation played into a
 * live peer through the endpoint stack ({@link PeerReplay}), its answers compared with the
 * captured ones. Exit 0 when they match, 3 when they differ (so a capture is a regression test).
 */
final class ReplayAsPeer {
    static final int EXIT_DIFFERENT = 3;

    record Request(Path file, String side, String to, String iface, String listen, Integer stream, Duration answerTimeout, Path report) {}

    private ReplayAsPeer() {}

    static int run(Request q) throws IOException, InterruptedException {
        PeerAddress peer;
        try {
            peer = PeerAddress.parse(q.to(), null);
        } catch (StackException e) {
            throw UserError.usage("--to: " + e.getMessage());
        }
        CapturedConversation c = pick(read(q.file()), q);
        if (c.problem() != null) throw UserError.failure(q.file() + ": " + c.problem());
        Side side = side(q.side(), c);
        if (c.sentBy(side).isEmpty()) {
            throw UserError.failure("conversation " + c.stream() + ": the " + q.side() + " side sent no UTCP-SBI message");
        }
        Transport<?> transport = q.iface() != null ? Transport.eth(q.iface())
                : Transport.udp(q.listen() != null ? hostPort(q.listen()) : new InetSocketAddress("0.0.0.0", 0));
        PeerReplay.Result result = play(transport, peer, c, side, q.answerTimeout());
        String text = PeerReplayReport.text(result);
        try (Writer out = Console.stdout()) {
            out.append(text);
        }
        if (q.report() != null) Files.writeString(q.report(), PeerReplayReport.json(result));
        return result.differences().isEmpty() ? 0 : EXIT_DIFFERENT;
    }

    private static <A> PeerReplay.Result play(Transport<A> transport, PeerAddress peer, CapturedConversation c, Side side, Duration timeout)
            throws InterruptedException {
        try (RealScheduler scheduler = new RealScheduler("replay-as")) {
            Link<A> link;
            A address;
            try {
                address = transport.address(peer.where());
                link = transport.open(scheduler);
            } catch (StackException e) {
                throw e.kind() == StackException.Kind.INVALID_REQUEST ? UserError.usage("--to: " + e.getMessage()) : UserError.failure(e.getMessage());
            }
            try {
                return new PeerReplay(timeout, line -> {}).run(scheduler, link, c, side, peer.cellId(), address);
            } finally {
                link.close();
            }
        }
    }

    private static List<CapturedConversation> read(Path file) {
        if (!Files.exists(file)) throw UserError.failure(file + ": no such file");
        ConversationReader reader = new ConversationReader();
        SessionResult r = Sessions.run(Sessions.of(file, new SessionOptions(DissectorConfig.defaults(), null, false, Long.MAX_VALUE)), reader);
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

    /** initiator|client, responder|server, or one of the conversation's CellIDs. */
    private static Side side(String spec, CapturedConversation c) {
        switch (spec.toLowerCase()) {
            case "initiator", "client" -> { return Side.INITIATOR; }
            case "responder", "server" -> throw UserError.usage("--as " + spec + ": replaying the responder would need the live peer to "
                    + "open the connection to us; only the initiator's side can be replayed today");
            default -> {
                Bytes id = cellId(spec);
                if (id.equals(c.initiator())) return Side.INITIATOR;
                if (id.equals(c.responder())) {
                    throw UserError.usage("--as " + spec + ": that CellID is the responder of conversation " + c.stream()
                            + "; only the initiator's side can be replayed today");
                }
                throw UserError.usage("--as " + spec + ": not a CellID of conversation " + c.stream() + " (" + c.initiator().hex()
                        + ", " + c.responder().hex() + ")");
            }
        }
    }

    private static Bytes cellId(String spec) {
        try {
            return Bytes.of(Identities.parseCellId(spec));
        } catch (RuntimeException e) {
            throw UserError.usage("--as " + spec + ": initiator, responder, or a CellID (32 hex digits)");
        }
    }

    private static InetSocketAddress hostPort(String spec) {
        try {
            return dev.cellscope.endpoint.stack.HostPort.parse(spec, "--listen");
        } catch (StackException e) {
            throw UserError.usage(e.getMessage());
        }
    }
}
