package dev.cellscope.cli;

import dev.cellscope.analysis.AnalysisConfig;
import dev.cellscope.cli.errors.UserError;
import dev.cellscope.endpoint.stack.HostPort;
import dev.cellscope.endpoint.stack.StackException;
import dev.cellscope.filter.DisplayFilter;
import dev.cellscope.filter.FilterException;
import dev.cellscope.replay.AddressMap;
import dev.cellscope.replay.FrameRewriter;
import dev.cellscope.replay.FrameSelection;
import dev.cellscope.replay.FrameSender;
import dev.cellscope.replay.InterfaceSender;
import dev.cellscope.replay.MonotonicClock;
import dev.cellscope.replay.Pacing;
import dev.cellscope.replay.ReplayException;
import dev.cellscope.replay.ReplayOptions;
import dev.cellscope.replay.ReplayReport;
import dev.cellscope.replay.Replayer;
import dev.cellscope.replay.UdpSender;
import dev.cellscope.session.CaptureSession;
import dev.cellscope.session.SessionOptions;
import dev.cellscope.session.SessionResult;
import dev.cellscope.session.SourceException;
import dev.cellscope.session.SourceOpener;
import dev.cellscope.session.StreamSource;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.Writer;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code cellscope replay}: a capture's frames back onto a wire (docs/REPLAY.md), with tcpreplay's
 * option names. The command checks options and maps errors to one line; the frames are selected by
 * a capture session with the display filter, and sent by {@link Replayer}.
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Send the frames of a capture out of an interface, as captured or at a set rate, optionally only those "
                + "a display filter selects (or, with --udp, their UTCP and Tether bytes as UDP datagrams); reports the rate achieved and the timing error. With --as, one side of a captured "
                + "conversation played into a live peer instead, connecting to it or listening for it (see docs/REPLAY.md).")
public final class ReplayCommand implements Callable<Integer> {

    private static final Pacing DEFAULT_PACING = new Pacing.AsCaptured(1);

    @Option(names = "-r", paramLabel = "FILE", required = true, description = "Capture to replay (pcap or pcapng, gzip-compressed too): Ethernet frames for -i and --map; with --udp any link type (Linux cooked, raw IP, loopback).")
    Path file;

    @Mixin
    DecodeAs decodeAs = new DecodeAs();

    @Option(names = {"-i", "--intf1"}, paramLabel = "INTERFACE", description = "Interface to send the frames out of (or -w); with --as, "
            + "the interface for raw Ethernet (EtherType 0x88B5) instead of UDP.")
    String iface;

    @Option(names = "--udp", paramLabel = "HOST:PORT", description = "Instead of -i: send each selected frame's UTCP or Tether "
            + "bytes (the UDP payload, or what follows EtherType 0x88B5 without the Ethernet padding) as one datagram to HOST:PORT "
            + "through an ordinary UDP socket (no root needed); a UDP GSO train captured as one datagram goes as its datagrams; frames "
            + "without UTCP or Tether are skipped and counted.")
    String udp;

    @Option(names = "--udp-from", paramLabel = "HOST:PORT", description = "With --udp: the address to send from (default: an "
            + "ephemeral port on the address the route picks).")
    String udpFrom;

    @Option(names = "--transmit", paramLabel = "NAME", description = "With -i: how to send: afpacket (AF_PACKET sendmmsg batches, "
            + "the default) or xdp (an AF_XDP socket's TX ring on queue 0; zero-copy where the driver allows it, copy mode otherwise; "
            + "the report says which).")
    String transmit;

    @Option(names = "-Y", paramLabel = "FILTER", description = "Display filter: send only the frames it matches (as read -Y).")
    String displayFilter;

    @Option(names = {"-x", "--multiplier"}, paramLabel = "X", description = "Captured gaps divided by X (2: twice as fast). Default 1.")
    Double multiplier;

    @Option(names = {"-p", "--pps"}, paramLabel = "N", description = "N frames per second, whatever the captured gaps.")
    Double pps;

    @Option(names = {"-M", "--mbps"}, paramLabel = "N", description = "N megabits per second of frame bytes.")
    Double mbps;

    @Option(names = {"-t", "--topspeed"}, description = "As fast as the interface takes them (sendmmsg batches).")
    boolean topspeed;

    @Option(names = {"-l", "--loop"}, paramLabel = "N", description = "Send the capture N times (0: until stopped). Default 1.")
    long loops = 1;

    @Option(names = {"-L", "--limit"}, paramLabel = "N", description = "Stop after N frames sent.")
    Long limit;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Stop after SECONDS (a decimal number) from the first frame.")
    Double durationSeconds;

    @Option(names = {"-K", "--preload-pcap", "--preload"}, description = "Read every selected frame into memory before sending the first.")
    boolean preload;

    @Option(names = "--no-realtime", description = "Keep the sending thread an ordinary one: by default it asks for real-time "
            + "scheduling (SCHED_FIFO, needs root or CAP_SYS_NICE) and sleeps all but the last 200 µs of each gap.")
    boolean noRealtime;

    @Option(names = "--cpu", paramLabel = "N", description = "Give the sending thread CPU N to itself: pinned there, the process's "
            + "other threads (the JVM's compiler, GC, reader) moved to the other online CPUs; it then stays real-time at every rate.")
    Integer cpu;

    @Option(names = "--map", paramLabel = "FILE", description = "Address map: lines 'mac|cellid|tether|ip|port OLD NEW'; "
            + "rewrites those fields in every frame and recomputes the checksums that cover them (docs/REPLAY.md).")
    Path mapFile;

    @Option(names = "-w", paramLabel = "OUT.pcapng", description = "Write the selected (and, with --map, rewritten) frames to a "
            + "pcapng file instead of sending them.")
    Path writeTo;

    @Option(names = "--as", paramLabel = "SIDE", description = "Replay one side of a captured UTCP-SBI conversation into a live peer: "
            + "its messages, through the endpoint stack with fresh seqs; the peer's messages are compared with the captured ones. "
            + "SIDE: initiator (client), which connects to --to; responder (server), which listens on --listen (or -i) under the "
            + "captured responder's CellID for a live client to repeat the captured exchange, and stops at its first difference; "
            + "or either's CellID. tether-sender replays the sender of a captured Tether flow into a live tether-recv "
            + "(--to TETHERID@HOST:PORT). Exit 3 when the messages differ (docs/REPLAY.md).")
    String as;

    @Option(names = "--to", paramLabel = "PEER", description = "With --as initiator or tether-sender: the live peer, CELLID@HOST:PORT over UDP "
            + "(or CELLID@MAC with -i IF).")
    String to;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "With --as over UDP: the address to send from (default: an "
            + "ephemeral port); with --as responder (required there): the address to listen on.")
    String listen;

    @Option(names = "--accept-timeout", paramLabel = "SECONDS", description = "With --as responder: how long to wait for the live "
            + "initiator to connect. Default 60.")
    Double acceptTimeout;

    @Option(names = "--stream", paramLabel = "N", description = "With --as: the conversation (utcp.stream), default the first that carries data.")
    Integer stream;

    @Option(names = "--answer-timeout", paramLabel = "SECONDS", description = "With --as: how long to wait for the peer's next message "
            + "before sending on without it, or giving up at the end. Default 5.")
    double answerTimeout = 5;

    @Option(names = "--kept", paramLabel = "FILE", description = "With --as tether-sender: the file the live receiver keeps "
            + "(its -o); compared byte for byte with the captured content after the transfer.")
    Path kept;

    @Option(names = "--report", paramLabel = "FILE.json", description = "With --as: write the captured and live answers and their differences as JSON.")
    Path report;

    @Override
    public Integer call() throws Exception {
        if (as != null || to != null) return asPeer();
        if (listen != null || stream != null || report != null || kept != null || acceptTimeout != null) {
            throw UserError.usage("--listen, --stream, --kept, --accept-timeout and --report are for --as (replaying a conversation into a live peer)");
        }
        if (iface == null && writeTo == null && udp == null) {
            throw UserError.usage("replay needs -i INTERFACE to send on, --udp HOST:PORT to send to, or -w OUT.pcapng to write to");
        }
        if (iface != null && writeTo != null) throw UserError.usage("-i and -w cannot be used together: send the frames or write them, not both");
        if (udp != null && (iface != null || writeTo != null)) {
            throw UserError.usage("--udp cannot be used with " + (iface != null ? "-i" : "-w") + ": send through a UDP socket, out of an interface, or write a file, one of them");
        }
        if (udpFrom != null && udp == null) throw UserError.usage("--udp-from is for sending with --udp HOST:PORT");
        ReplayOptions options = options();
        boolean xdp = transmitPath();
        if (cpu != null && iface == null && udp == null) throw UserError.usage("--cpu is for sending with -i INTERFACE or --udp HOST:PORT");
        if (cpu != null && (cpu < 0 || cpu > 1023)) throw UserError.usage("--cpu " + cpu + ": a CPU number, 0 to 1023");
        if (cpu != null && MonotonicClock.cpuRefused(cpu) != null) throw UserError.usage(MonotonicClock.cpuRefused(cpu));
        if (writeTo != null && (options.pacing() != DEFAULT_PACING || loops != 1 || limit != null || durationSeconds != null || preload)) {
            throw UserError.usage("-w writes the frames as captured, once: the pacing, loop, limit, duration and preload options are for sending");
        }
        DisplayFilter filter = compileFilter();
        FrameRewriter rewriter = rewriter();
        if (!Files.exists(file)) throw UserError.failure(file + ": no such file");
        if (!Files.isReadable(file) || Files.isDirectory(file)) throw UserError.failure(file + ": cannot be read");
        boolean analyze = filter != null && filter.fields().stream().anyMatch(FieldsOutput::analysed);
        SessionOptions sessionOptions = new SessionOptions(decodeAs.config(),
                analyze ? new AnalysisConfig(null, true, true) : null, false, Long.MAX_VALUE);
        if (writeTo != null) {
            if (!writeTo.getFileName().toString().endsWith(".pcapng")) {
                // pcapng keeps what a replay's copy must (each frame's interface, comments); a .pcap name would otherwise hide the format
                System.err.println("cellscope: -w " + writeTo + ": written as pcapng (tshark, tcpreplay and cellscope read it; a .pcapng name says so)");
            }
            new RewrittenCopy(file, writeTo, filter, rewriter).write(sessionOptions);
            reportRewrites(rewriter);
            return 0;
        }
        // One source for every pass: a .gz (or a FIFO) is decompressed once to a temporary copy each pass reads again.
        // A session per file made a copy per pass, each kept until exit: a looped .gz filled /tmp pass by pass.
        SourceOpener source = Sessions.opener(file);
        // A .gz or a FIFO is as large as its copy (what a preload holds), not its compressed size or a FIFO's 0.
        long fileBytes;
        try {
            fileBytes = source instanceof StreamSource copy ? copy.copiedSize() : Files.size(file);
        } catch (SourceException e) {
            throw UserError.failure(e.getMessage());
        }
        boolean preloadedOnItsOwn = options.preloadsOnItsOwn(fileBytes);
        options = options.withLoopPreload(fileBytes);
        FrameSelection selection = new FrameSelection(() -> new CaptureSession(source, sessionOptions), filter, rewriter);
        FrameSender sender;
        if (udp != null) {
            InetSocketAddress to = address("--udp", udp, false), from = udpFrom == null ? null : address("--udp-from", udpFrom, true);
            selection.cellBytesOnly();
            try {
                sender = UdpSender.open(to, from);
            } catch (ReplayException e) {
                throw UserError.failure(e.getMessage());
            }
        } else {
            try {
                sender = xdp ? InterfaceSender.openXdp(iface) : InterfaceSender.open(iface);
            } catch (ReplayException e) {
                throw UserError.failure("-i " + iface + ": " + e.getMessage());
            }
        }
        Replayer replayer = new Replayer(selection, sender, new MonotonicClock(!noRealtime, cpu == null ? -1 : cpu), options).quietJit(true);
        ReplayReport report;
        try (StopSignals _ = StopSignals.install(replayer::stop)) {
            report = replayer.run();
        } catch (SourceException e) {
            throw UserError.failure(e.getMessage());
        } catch (ReplayException e) {
            throw UserError.failure(e.getMessage());
        } finally {
            if (source instanceof StreamSource copy) copy.close();
        }
        if (udp != null && report.frames() == 0 && report.failed() > 0) {
            throw UserError.failure("--udp " + udp + ": every datagram was refused (" + report.failed() + ", the first: " + report.firstFailure() + ")");
        }
        long refusedByPeer = sender instanceof UdpSender u ? u.peerRefusals() : 0;
        if (refusedByPeer > 0 && refusedByPeer >= report.frames()) {
            throw UserError.failure("--udp " + udp + ": every datagram was refused by the peer (" + refusedByPeer
                    + " ICMP port unreachable for " + report.frames() + " sent): nothing listens there");
        }
        try (Writer out = Console.stdout()) {
            out.append(report.format());
            if (refusedByPeer > 0) {
                out.append("Refused by the peer: ").append(Long.toString(refusedByPeer)).append(" of ").append(Long.toString(report.frames()))
                        .append(" datagrams (ICMP port unreachable: nothing listened there when they came)").append(System.lineSeparator());
            }
            if (preloadedOnItsOwn) {
                out.append("Preloaded: the looped capture (").append(Long.toString(fileBytes)).append(" bytes) was sent from memory, as with -K")
                        .append(System.lineSeparator());
            }
            if (sender.transmitPath() != null) out.append("Transmit: ").append(sender.transmitPath()).append(System.lineSeparator());
        }
        if (report.frames() == 0 && report.failed() == 0) {
            System.err.println("cellscope: no frame sent" + (report.notCell() > 0 ? " (the selected frames carry no UTCP or Tether)"
                    : filter != null ? " (-Y " + displayFilter + " matched none)" : ""));
        }
        reportRewrites(rewriter);
        for (SessionResult r : replayer.sessionResults()) {
            Sessions.failIfDamaged(file, r, "", "frames were read before it");
        }
        return 0;
    }

    /** {@code --as}: the options of wire replay do not apply (messages go through the stack, paced by the peer's answers). */
    private int asPeer() throws Exception {
        if (as == null) throw UserError.usage("--to is for --as SIDE (replaying a conversation into a live peer)");
        if (writeTo != null || displayFilter != null || mapFile != null || multiplier != null || pps != null || mbps != null || topspeed
                || loops != 1 || limit != null || durationSeconds != null || preload || transmit != null || cpu != null
                || udp != null || udpFrom != null) {
            throw UserError.usage("--as plays messages through the endpoint stack, paced by the peer's answers: -w, -Y, --map, --udp and the "
                    + "pacing, loop, limit, duration, preload, transmit and cpu options are for wire replay");
        }
        if (iface != null && listen != null) throw UserError.usage("--listen is for UDP; with -i the messages go over raw Ethernet");
        if (!(answerTimeout > 0) || answerTimeout > 3600) throw UserError.usage("--answer-timeout " + answerTimeout + ": seconds, more than 0 and at most 3600");
        if (acceptTimeout != null && (!(acceptTimeout > 0) || acceptTimeout > 3600)) {
            throw UserError.usage("--accept-timeout " + acceptTimeout + ": seconds, more than 0 and at most 3600");
        }
        if (kept != null && !ReplayAsTether.SIDES.contains(as.toLowerCase())) throw UserError.usage("--kept is for --as tether-sender");
        if (ReplayAsTether.SIDES.contains(as.toLowerCase())) {
            if (to == null) throw UserError.usage("--as needs --to PEER: the live receiver, TETHERID@HOST:PORT");
            if (acceptTimeout != null) throw UserError.usage("--accept-timeout is for --as responder");
            return ReplayAsTether.run(new ReplayAsTether.Request(file, decodeAs.config(), to, iface, listen, stream, kept, report));
        }
        return ReplayAsPeer.run(new ReplayAsPeer.Request(file, decodeAs.config(), as, to, iface, listen, stream,
                Duration.ofNanos((long) (answerTimeout * 1e9)), acceptTimeout == null ? null : Duration.ofNanos((long) (acceptTimeout * 1e9)), report));
    }

    /** {@code --transmit}: true for xdp, false for afpacket (the default); only with -i. */
    private boolean transmitPath() {
        if (transmit == null) return false;
        if (iface == null) throw UserError.usage("--transmit is for sending with -i INTERFACE" + (udp != null ? " (--udp sends through an ordinary UDP socket)" : ""));
        return switch (transmit) {
            case "afpacket" -> false;
            case "xdp" -> true;
            default -> throw UserError.usage("--transmit " + transmit + ": afpacket or xdp");
        };
    }

    /** {@code HOST:PORT} (IPv6 in brackets) of {@code option}, parsed as the endpoint commands parse it; a usage error otherwise. */
    static InetSocketAddress hostPort(String option, String spec) {
        try {
            return HostPort.parse(spec, option);
        } catch (StackException e) {
            throw UserError.usage(e.getMessage());
        }
    }

    /** {@link #hostPort}, resolved; a port of 0 only where the socket picks one ({@code from}). */
    private static InetSocketAddress address(String option, String spec, boolean from) {
        InetSocketAddress a = hostPort(option, spec); // resolved there: an unknown host is its usage error
        if (!from && a.getPort() == 0) throw UserError.usage(option + " " + spec + ": the port must be 1 to 65535");
        return a;
    }

    private FrameRewriter rewriter() {
        if (mapFile == null) return null;
        try {
            AddressMap map = AddressMap.read(mapFile);
            if (map.isEmpty()) throw UserError.usage("--map " + mapFile + ": the map rewrites nothing (lines: KIND OLD NEW)");
            return new FrameRewriter(map);
        } catch (AddressMap.MapException e) {
            throw UserError.usage("--map: " + e.getMessage());
        }
    }

    /** What the map changed, and what it could not change without breaking a frame (stderr). */
    private static void reportRewrites(FrameRewriter rewriter) {
        if (rewriter == null) return;
        System.err.println("cellscope: --map rewrote " + rewriter.rewritten() + " frames, recomputed " + rewriter.checksumsRecomputed()
                + " checksums" + (rewriter.problemCount() > 0 ? "; " + rewriter.problemCount() + (rewriter.problemCount() == 1 ? " problem:" : " problems:") : ""));
        for (String p : rewriter.problems()) System.err.println("cellscope:   " + p);
        if (rewriter.problemCount() > rewriter.problems().size()) {
            System.err.println("cellscope:   ... and " + (rewriter.problemCount() - rewriter.problems().size()) + " more");
        }
    }

    /** The options as the engine takes them; one pacing at most, numbers in range. */
    ReplayOptions options() {
        List<String> pacings = new ArrayList<>();
        if (multiplier != null) pacings.add("-x");
        if (pps != null) pacings.add("--pps");
        if (mbps != null) pacings.add("--mbps");
        if (topspeed) pacings.add("--topspeed");
        if (pacings.size() > 1) throw UserError.usage(String.join(", ", pacings) + ": choose one way to pace the frames");
        Pacing pacing;
        if (topspeed) pacing = new Pacing.TopSpeed();
        else if (pps != null) pacing = new Pacing.PacketRate(positive("--pps", pps));
        else if (mbps != null) pacing = new Pacing.BitRate(positive("--mbps", mbps));
        else if (multiplier != null) pacing = new Pacing.AsCaptured(positive("-x", multiplier));
        else pacing = DEFAULT_PACING;
        if (loops < 0) throw UserError.usage("--loop " + loops + ": a count of passes, 0 for no end");
        if (limit != null && limit < 1) throw UserError.usage("--limit " + limit + ": at least one frame");
        Duration duration = null;
        if (durationSeconds != null) {
            if (!(durationSeconds > 0) || durationSeconds > 365.0 * 24 * 3600) {
                throw UserError.usage("--duration " + durationSeconds + ": seconds, more than 0 and at most a year");
            }
            duration = Duration.ofNanos((long) (durationSeconds * 1e9));
        }
        return new ReplayOptions(pacing, loops, duration, limit == null ? Long.MAX_VALUE : limit, preload);
    }

    private static double positive(String option, double value) {
        if (!(value > 0) || Double.isInfinite(value) || value > 1e9) {
            throw UserError.usage(option + " " + value + ": must be a positive number (at most 1e9)");
        }
        return value;
    }

    private DisplayFilter compileFilter() {
        if (displayFilter == null || displayFilter.isBlank()) return null;
        try {
            return DisplayFilter.compile(displayFilter);
        } catch (FilterException e) {
            throw UserError.usage("-Y: " + e.getMessage() + "\n" + e.caretLine());
        }
    }
}
