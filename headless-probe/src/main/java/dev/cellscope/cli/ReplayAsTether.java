package dev.cellscope.cli;

import dev.cellscope.cli.errors.UserError;
import dev.cellscope.dissect.DissectorConfig;
import dev.cellscope.endpoint.core.Link;
import dev.cellscope.endpoint.core.RealScheduler;
import dev.cellscope.endpoint.stack.StackException;
import dev.cellscope.endpoint.stack.TetherPeer;
import dev.cellscope.endpoint.stack.Transport;
import dev.cellscope.replay.peer.CapturedTetherFlow;
import dev.cellscope.replay.peer.PeerReplayReport;
import dev.cellscope.replay.peer.TetherFlowReader;
import dev.cellscope.replay.peer.TetherReplay;
import dev.cellscope.session.SessionOptions;
import dev.cellscope.session.SessionResult;

import java.io.IOException;
import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code replay --as tether-sender --to TETHERID@HOST:PORT}: the sender of a captured Tether flow
 * played through the endpoint's {@code TetherSender} into a live receiver ({@link TetherReplay}),
 * the receiver's answers compared with the captured ones. Exit 0 when they match, 3 when they differ.
 */
final class ReplayAsTether {
    static final Set<String> SIDES = Set.of("tether-sender", "tether");
    /** The whole transfer, Lamp to confirmation, may take this long. */
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    record Request(Path file, DissectorConfig dissector, String to, String iface, String listen, Integer stream, Path kept, Path report) {}

    private ReplayAsTether() {}

    static int run(Request q) throws IOException, InterruptedException {
        // checked before anything is sent: a report that cannot be written was an internal error after the whole replay
        try (OutputFile report = q.report() == null ? null : OutputFile.of(q.report(), "--report", q.file())) {
            return run(q, report);
        }
    }

    private static int run(Request q, OutputFile report) throws IOException, InterruptedException {
        TetherPeer peer;
        try {
            peer = TetherPeer.parse(q.to(), null, q.iface() != null);
        } catch (RuntimeException e) {
            throw UserError.usage("--to: " + e.getMessage());
        }
        CapturedTetherFlow c = pick(read(q.file(), q.dissector()), q);
        if (c.problem() != null) throw UserError.failure(q.file() + ": " + c.problem());
        Transport<?> transport = q.iface() != null ? Transport.eth(q.iface())
                : Transport.udp(q.listen() != null ? ReplayCommand.hostPort("--listen", q.listen()) : new InetSocketAddress("0.0.0.0", 0));
        TetherReplay.Result result = play(transport, peer, c, q.kept());
        try (Writer out = Console.stdout()) {
            out.append(PeerReplayReport.text(result));
        }
        if (report != null) report.writeText(PeerReplayReport.json(result));
        return result.differences().isEmpty() ? 0 : ReplayAsPeer.EXIT_DIFFERENT;
    }

    private static <A> TetherReplay.Result play(Transport<A> transport, TetherPeer peer, CapturedTetherFlow c, Path kept) throws InterruptedException {
        try (RealScheduler scheduler = new RealScheduler("replay-as-tether")) {
            Link<A> link;
            A address;
            try {
                address = transport.address(peer.requireWhere("--to"));
                link = transport.open(scheduler);
            } catch (StackException e) {
                throw e.kind() == StackException.Kind.INVALID_REQUEST ? UserError.usage("--to: " + e.getMessage()) : UserError.failure(e.getMessage());
            }
            if (peer.id() != c.receiver()) {
                // The live receiver has its own identity: the replay addresses it, under the captured sender's ID.
                c = new CapturedTetherFlow(c.sender(), peer.id(), c.flow(), c.slotSize(), c.totalBytes(), c.manifestChecksum(),
                        c.manifestSlots(), c.manifestFrames(), c.content(), c.answers(), c.problem());
            }
            try {
                return new TetherReplay(DEADLINE, line -> {}).run(scheduler, link, c, address, kept);
            } finally {
                link.close();
            }
        }
    }

    private static List<CapturedTetherFlow> read(Path file, DissectorConfig dissector) {
        if (!Files.exists(file)) throw UserError.failure(file + ": no such file");
        TetherFlowReader reader = new TetherFlowReader();
        SessionResult r = Sessions.run(Sessions.of(file, new SessionOptions(dissector, null, false, Long.MAX_VALUE)), reader);
        Sessions.failIfDamaged(file, r, "", "frames were read before it");
        return reader.flows();
    }

    /** {@code --stream N}: the N-th Tether flow of the capture (0-based); else the first. */
    private static CapturedTetherFlow pick(List<CapturedTetherFlow> all, Request q) {
        if (all.isEmpty()) throw UserError.failure(q.file() + ": no Tether flow (no Define, data or Manifest) in the capture");
        if (q.stream() == null) return all.getFirst();
        if (q.stream() < 0 || q.stream() >= all.size()) {
            throw UserError.usage("--stream " + q.stream() + ": the capture has " + all.size() + " Tether flow" + (all.size() == 1 ? "" : "s")
                    + " (0.." + (all.size() - 1) + ")");
        }
        return all.get(q.stream());
    }

}
