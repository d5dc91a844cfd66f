package dev.cellscope.cli.endpoint;

import dev.cellscope.cli.errors.UserError;
import dev.cellscope.crypto.Identities;
import dev.cellscope.endpoint.stack.SenderFilter;
import dev.cellscope.endpoint.stack.Stack;
import dev.cellscope.endpoint.stack.StackException;
import dev.cellscope.endpoint.stack.TetherPeer;
import dev.cellscope.endpoint.tether.Reception;
import dev.cellscope.endpoint.tether.TetherReceiver;
import dev.cellscope.endpoint.tether.TetherReceiverConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongPredicate;

/** {@code cellscope endpoint tether-recv}: waits for one Tether flow, writes it to a file, confirms it. */
@Command(name = "tether-recv", mixinStandardHelpOptions = true, description = "Receive one file over Tether; exit 0 when it arrived intact.")
final class TetherRecv implements java.util.concurrent.Callable<Integer> {
    /** A sender without --lamp waits for our Lamp; repeat it until the sender is heard, in case it started after us. */
    private static final long INVITE_EVERY_NANOS = 250_000_000L;
    /** Credit the invitation gives the sender for its Define and Manifests (what a Hail would). */
    private static final long INVITE_CREDIT = 4096;
    /** After completion: stay while frames still come (a lost confirmation brings the Manifest again), this long quiet ends it. */
    private static final long QUIET_MILLIS = 500, LINGER_MAX_MILLIS = 3000;
    /** Writes the content off the scheduler's thread, so frames keep flowing (and SIGTERM is heard) while a large file is synced. */
    private static final java.util.concurrent.Executor KEEPER = r -> Thread.ofPlatform().name("tether-keeper").daemon(true).start(r);

    @Mixin
    NodeOptions options;

    @Option(names = "-o", required = true, paramLabel = "FILE", description = "Where to write the content.")
    Path out;

    @Option(names = "--from", paramLabel = "PEER", description = "Accept only this sender: TETHERID or NAME; with @HOST:PORT or @MAC, "
            + "also invite it (for a sender without --lamp). Default: anyone (the book's allow-list with --book).")
    String from;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Give up after this long (default 300).")
    long timeout = 300;

    @Option(names = "--max-flow-bytes", paramLabel = "N", description = "Refuse a Define announcing more than N bytes; also the most one "
            + "source address may have announced in open flows (default 1073741824, 1 GiB).")
    long maxFlowBytes = TetherReceiverConfig.DEFAULT_MAX_BYTES;

    @Option(names = "--max-total-bytes", paramLabel = "N", description = "Refuse a Define once the open flows announce N bytes in all (default 4294967296, 4 GiB).")
    long maxTotalBytes = TetherReceiverConfig.DEFAULT_MAX_TOTAL_BYTES;

    @Option(names = "--max-flows", paramLabel = "N", description = "Refuse a Define once N flows are open (default 64).")
    int maxFlows = TetherReceiverConfig.DEFAULT_MAX_FLOWS;

    @Option(names = "--window", paramLabel = "BYTES", description = "Receive window in Tether bytes: the credit outstanding plus slots held "
            + "out of order never exceed it; it opens from 262144 as data arrives, grants follow as it drains (default 1048576).")
    long window = TetherReceiverConfig.of(0).window();

    @Option(names = "--stall-ms", paramLabel = "MS", description = "Silence on a flow, while the sender is believed to hold credit, after "
            + "which its credit is presumed lost and granted again (default 40).")
    long stallMillis = TetherReceiverConfig.of(0).stallNanos() / 1_000_000L;

    @Override
    public Integer call() {
        if (timeout < 1) throw UserError.usage("--timeout must be at least 1 s");
        if (stallMillis < 1) throw UserError.usage("--stall-ms must be at least 1, got " + stallMillis);
        if (window < 128) throw UserError.usage("--window must be at least 128 (two headers), got " + window);
        if (maxFlowBytes < 0 || maxFlowBytes > TetherReceiverConfig.DEFAULT_MAX_BYTES) {
            throw UserError.usage("--max-flow-bytes must be 0.." + TetherReceiverConfig.DEFAULT_MAX_BYTES + ", got " + maxFlowBytes);
        }
        if (maxTotalBytes < 0) throw UserError.usage("--max-total-bytes must not be negative, got " + maxTotalBytes);
        if (maxFlows < 1) throw UserError.usage("--max-flows must be at least 1, got " + maxFlows);
        OutputFile.check(out); // before we answer anyone: a flow we cannot write must never be confirmed
        try (Stack<?> stack = options.openStack(true, System.err)) {
            return receive(stack);
        } catch (StackException e) {
            throw StackErrors.toUserError(e);
        }
    }

    private <A> int receive(Stack<A> stack) {
        TetherPeer sender = from == null ? null : TetherPeer.parse(from, stack.book(), false);
        LongPredicate accepted = sender != null ? id -> id == sender.id() : stack.book() != null ? stack.book()::isAllowedTether : id -> true;
        SenderFilter<A> link = new SenderFilter<>(stack.link(), accepted);
        TetherReceiverConfig config = TetherReceiverConfig.of(stack.tetherId()).withLimits(maxFlowBytes, maxTotalBytes, maxFlows)
                .withWindow(window).withMaxFrame(stack.transport().maxPayload());
        config = config.withTiming(config.reorderNanos(), config.nackRetryNanos(), stallMillis * 1_000_000L);
        OutputFile file = new OutputFile(out);
        // The content is written, synced and renamed into place before the sender hears CONFIRMED.
        TetherReceiver<A> rx = new TetherReceiver<>(link, stack.scheduler(), config).listener(stack::event)
                .keeper(r -> CompletableFuture.runAsync(() -> file.write(r.data()), KEEPER)).start();
        TetherReport.Once summary = new TetherReport.Once();
        // SIGTERM mid-write leaves no .part behind, and the summary still goes to stdout, as serve says "stopping" (review:
        // a SIGTERMed tether-recv printed nothing).
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            file.abandon();
            Reception kept = rx.completion().isDone() && !rx.completion().isCompletedExceptionally() ? rx.completion().join() : null;
            summary.print(() -> kept != null ? received(kept, rx, link, stack) // written and confirmed, then stopped while lingering
                    : String.format("tether-recv %s: FAILED, stopped (SIGTERM), nothing written; %s%s%s", out,
                    TetherReport.counters(rx.stats()), link.refused() > 0 ? "; refused from other senders " + link.refused() : "",
                    stack.faultSummary()));
        }, "tether-recv-sigterm"));
        stack.scheduler().submit(() -> null).join(); // start() attaches on the scheduler: after this we hear every frame
        stack.event("node " + stack.identity().cellIdText() + " (tether " + stack.tetherIdText() + ") on " + stack.transport().describe()
                + ", writing " + out + ": waiting for a flow"
                + (sender != null ? " from " + Identities.formatTetherId(sender.id()) : stack.book() != null ? " from the allow-list" : ""));
        if (sender != null && sender.where() != null) invite(stack, rx, stack.address(sender.where()), sender.id());

        Reception r;
        try {
            r = EndpointCommand.await(rx.completion(), timeout);
        } catch (UserError e) {
            // No flow completed (timed out): the counters still say what came, and what the limits refused.
            summary.print(() -> String.format("tether-recv %s: FAILED, %s, nothing written; %s%s%s", out, e.getMessage(), TetherReport.counters(rx.stats()),
                    link.refused() > 0 ? "; refused from other senders " + link.refused() : "", stack.faultSummary()));
            throw e;
        }
        linger(rx);
        summary.print(() -> received(r, rx, link, stack));
        if (!r.ok()) {
            throw UserError.failure("tether-recv: " + (!r.checksumOk() ? "the content does not match the Manifest's CRC-64" : "the Manifest's totals do not match the Define")
                    + "; " + out + " not written");
        }
        return 0;
    }

    private <A> String received(Reception r, TetherReceiver<A> rx, SenderFilter<A> link, Stack<A> stack) {
        return String.format("tether-recv %s: %s, %d bytes on flow %d from %s, manifest %d frames, received %d; %s%s%s", out,
                r.ok() ? "OK" : "FAILED", r.data().length(), r.flow(), Identities.formatTetherId(r.sender()), r.manifestFrames(),
                r.framesReceived(), TetherReport.counters(rx.stats()), link.refused() > 0 ? "; refused from other senders " + link.refused() : "",
                stack.faultSummary());
    }

    private static <A> void invite(Stack<A> stack, TetherReceiver<A> rx, A where, long id) {
        stack.scheduler().execute(new Runnable() {
            @Override
            public void run() {
                if (rx.stats().framesReceived() > 0 || rx.completion().isDone()) return;
                rx.invite(where, id, INVITE_CREDIT);
                stack.scheduler().schedule(INVITE_EVERY_NANOS, this);
            }
        });
    }

    private static void linger(TetherReceiver<?> rx) {
        long end = System.currentTimeMillis() + LINGER_MAX_MILLIS, seen = -1, quietSince = System.currentTimeMillis();
        while (System.currentTimeMillis() < end) {
            long now = rx.stats().framesReceived();
            if (now != seen) {
                seen = now;
                quietSince = System.currentTimeMillis();
            } else if (System.currentTimeMillis() - quietSince >= QUIET_MILLIS) {
                return;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
