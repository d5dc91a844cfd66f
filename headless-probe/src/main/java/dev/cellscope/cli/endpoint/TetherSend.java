package dev.cellscope.cli.endpoint;

import dev.cellscope.cli.errors.UserError;
import dev.cellscope.crypto.Identities;
import dev.cellscope.endpoint.stack.Stack;
import dev.cellscope.endpoint.stack.StackException;
import dev.cellscope.endpoint.stack.TetherPeer;
import dev.cellscope.endpoint.stack.Transport;
import dev.cellscope.endpoint.tether.SendResult;
import dev.cellscope.endpoint.tether.TetherSender;
import dev.cellscope.endpoint.tether.TetherSenderConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;

/** {@code cellscope endpoint tether-send}: one file to one Tether receiver, until it confirms the Manifest. */
@Command(name = "tether-send", mixinStandardHelpOptions = true, description = "Send a file over Tether; exit 0 once the receiver confirms it.")
final class TetherSend implements Callable<Integer> {
    /** A receiver holds a flow's content in memory and by default refuses more (TetherReceiverConfig.DEFAULT_MAX_BYTES). */
    private static final long MAX_BYTES = 1L << 30;
    private static final long RETRY_NANOS = 100_000_000L;
    /** Lamp and Manifest retries: 5 s for the receiver to come up, or to confirm. */
    private static final int RETRIES = 50;

    @Mixin
    NodeOptions options;

    @Parameters(index = "0", paramLabel = "FILE")
    Path file;

    @Option(names = "--to", required = true, paramLabel = "PEER",
            description = "TETHERID@HOST:PORT or NAME@HOST:PORT (udp); TETHERID@MAC, NAME@MAC or just MAC (eth).")
    String to;

    @Option(names = "--lamp", description = "Light a Lamp to start (cold start). Without it, wait for the receiver's invitation.")
    boolean lamp;

    @Option(names = "--lamp-data", description = "Deep-space mode: data slots go LAMP-flagged, spending no credit and not waiting for grants.")
    boolean lampData;

    @Option(names = "--slot-size", paramLabel = "N", description = "Payload bytes per slot (default 1024; a multiple of 64 avoids padding).")
    int slotSize = 1024;

    @Option(names = "--flow", paramLabel = "F", description = "Data flow, 1-65535 (default 1).")
    int flow = 1;

    @Option(names = "--timeout", paramLabel = "SECONDS", description = "Give up unconfirmed after this long (default 300).")
    long timeout = 300;

    @Override
    public Integer call() {
        if (flow < 1 || flow > 0xFFFF) throw UserError.usage("--flow must be 1..65535, got " + flow);
        if (slotSize < 1) throw UserError.usage("--slot-size must be positive, got " + slotSize);
        if (timeout < 1) throw UserError.usage("--timeout must be at least 1 s");
        options.silenceTimeoutNanos(); // a usage error before anything is bound (it came after the socket, review)
        MemorySegment content;
        try {
            UserError.requireRegularFile(file);
            long size = Files.size(file);
            if (size > MAX_BYTES) throw UserError.failure(file + ": larger than 1 GiB, which a receiver holds at most");
            // Mapped, not read into the heap: 1 GB read and copied took about 9 s here before the first frame.
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                content = size == 0 ? MemorySegment.ofArray(new byte[0]) : ch.map(FileChannel.MapMode.READ_ONLY, 0, size, Arena.ofAuto());
            }
        } catch (IOException e) {
            throw UserError.failure(file + ": " + e.getMessage());
        }
        try (Stack<?> stack = options.openStack(false, System.err)) {
            return send(stack, content);
        } catch (StackException e) {
            throw StackErrors.toUserError(e);
        }
    }

    private <A> int send(Stack<A> stack, MemorySegment content) {
        boolean eth = stack.transport() instanceof Transport.Eth;
        TetherPeer peer = TetherPeer.parse(to, stack.book(), eth);
        A where = stack.address(peer.requireWhere("--to"));
        long frame = 64 + (slotSize + 63L) / 64 * 64;
        if (frame > stack.transport().maxPayload()) {
            throw UserError.usage("--slot-size " + slotSize + " makes " + frame + "-byte frames; " + stack.transport().describe()
                    + " carries at most " + stack.transport().maxPayload());
        }
        TetherSenderConfig config = TetherSenderConfig.of(stack.tetherId(), peer.id()).withFlow(flow).withSlotSize(slotSize)
                .withLamp(lamp).withLampData(lampData).withTiming(RETRY_NANOS, RETRIES, timeout * 1_000_000_000L);
        stack.event("node " + stack.identity().cellIdText() + " (tether " + stack.tetherIdText() + ") on " + stack.transport().describe() + ": sending " + file + " (" + content.byteSize()
                + " bytes, " + ((content.byteSize() + slotSize - 1L) / slotSize) + " slots of " + slotSize + ") to " + Identities.formatTetherId(peer.id())
                + " at " + where + " on flow " + flow + (lamp ? ", Lamp" : ", waiting for an invitation") + (lampData ? ", LAMP data" : ""));
        if (eth && !where.toString().equals(Identities.formatTetherId(peer.id()))) {
            stack.event("note: target " + Identities.formatTetherId(peer.id()) + " differs from the Ethernet destination " + where);
        }
        TetherSender<A> tx = new TetherSender<>(stack.link(), stack.scheduler(), where, config, content).listener(stack::event)
                .silenceTimeout(options.silenceTimeoutNanos());
        // SIGTERM: the transfer ends CANCELLED and its line still goes to stdout ("one line, also on failure"); a
        // SIGTERMed tether-send printed nothing (review). The hook waits for the line, whoever prints it.
        TetherReport.Once summary = new TetherReport.Once();
        Thread hook = new Thread(() -> {
            try {
                tx.cancel();
                SendResult cancelled = tx.completion().get(2, java.util.concurrent.TimeUnit.SECONDS);
                summary.print(() -> line(cancelled, content, stack));
            } catch (Exception e) {
                // the scheduler is gone: nothing to report from
            }
        }, "tether-send-sigterm");
        Runtime.getRuntime().addShutdownHook(hook);
        SendResult r;
        try {
            r = EndpointCommand.await(tx.start(), timeout + 5);
            summary.print(() -> line(r, content, stack));
        } finally {
            TetherReport.removeHook(hook);
        }
        if (!r.ok()) throw UserError.failure("tether-send: " + TetherReport.reason(r.status(), lamp, timeout, options.silenceTimeoutNanos() / 1e9));
        return 0;
    }

    private String line(SendResult r, MemorySegment content, Stack<?> stack) {
        double s = r.elapsedNanos() / 1e9;
        // a rate only for what was delivered: "0 data frames in 3.00 s (1.7 MB/s)" for a refused transfer said otherwise
        return String.format("tether-send %s: %s, %d bytes, %d slots, %d data frames in %.2f s (%s); %s%s", file, r.status(),
                content.byteSize(), r.totalSlots(), r.totalFrames(), s,
                r.ok() ? String.format("%.1f MB/s", content.byteSize() / Math.max(s, 1e-9) / 1e6) : "not confirmed",
                TetherReport.counters(r.stats()), stack.faultSummary());
    }
}
