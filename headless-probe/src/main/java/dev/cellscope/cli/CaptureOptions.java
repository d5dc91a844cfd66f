package dev.cellscope.cli;

import dev.cellscope.cli.errors.UserError;
import dev.cellscope.live.Backends;
import dev.cellscope.live.CaptureInterface;
import dev.cellscope.live.LiveBackend;
import dev.cellscope.live.LiveCapture;
import dev.cellscope.live.LiveOptions;
import dev.cellscope.session.SourceException;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The live-capture options, named as tshark and dumpcap name them: {@code -i} and what shapes the
 * capture ({@code -f -s -p -B --backend}) and when it stops ({@code -a}). A picocli mixin, so
 * every command that captures takes them alike.
 */
final class CaptureOptions {

    @Option(names = "-i", paramLabel = "INTERFACE",
            description = "Capture live on INTERFACE (a name, or a number from -D), as tshark -i; stop with -c, -a or Ctrl-C.")
    String iface;

    @Option(names = "-f", paramLabel = "CAPTURE_FILTER",
            description = "With -i: BPF capture filter in libpcap syntax, e.g. 'ether proto 0x88b5 or udp port 34997'.")
    String filter;

    @Option(names = "-s", paramLabel = "SNAPLEN", description = "With -i: bytes kept of each frame (default, and 0: 262144).")
    Integer snaplen;

    @Option(names = "-p", description = "With -i: do not put the interface in promiscuous mode.")
    boolean noPromiscuous;

    @Option(names = "-B", paramLabel = "MiB", description = "With -i: kernel capture buffer in MiB (default 2); with afpacket the ring, in blocks of 256 KiB.")
    Integer bufferMiB;

    @Option(names = "--backend", paramLabel = "NAME", description = "With -i and -D: how to capture: afpacket (the kernel's AF_PACKET ring), pcap (libpcap),"
            + " xdp (AF_XDP: libxdp's program on the interface takes its frames while the capture runs)"
            + " or dpdk (DPDK: the interface through its net_af_packet vdev, af_xdp:IF through net_af_xdp); default "
            + Backends.DEFAULT + ".")
    String backend;

    @Option(names = "--queues", paramLabel = "N", description = "With -i and --backend xdp: read receive queues 0..N-1, an AF_XDP socket and"
            + " a thread each (default: every queue the interface has).")
    Integer queues;

    @Option(names = "--busy-poll", description = "With -i and --backend xdp or dpdk: the capture thread polls the device instead of waiting"
            + " (xdp: SO_PREFER_BUSY_POLL on each socket; dpdk: no back-off on empty bursts). More CPU, less latency.")
    boolean busyPoll;

    @Option(names = "-a", paramLabel = "duration:N|packets:N",
            description = "With -i: stop after N seconds, or after N packets (as -c); repeatable, the first reached stops.")
    List<String> autostop = new ArrayList<>();

    boolean live() {
        return iface != null;
    }

    /** Refuses live options given without {@code -i} (e.g. a capture filter on a file: use -Y). */
    void refuseWithoutInterface() {
        List<String> given = new ArrayList<>();
        if (filter != null) given.add("-f");
        if (snaplen != null) given.add("-s");
        if (noPromiscuous) given.add("-p");
        if (bufferMiB != null) given.add("-B");
        if (!autostop.isEmpty()) given.add("-a");
        if (queues != null) given.add("--queues");
        if (busyPoll) given.add("--busy-poll");
        if (given.isEmpty()) return;
        throw UserError.usage(String.join(", ", given) + (given.size() == 1 ? " is a live-capture option" : " are live-capture options")
                + " (with -i INTERFACE)" + (filter != null ? "; to select frames of a file use the display filter -Y" : ""));
    }

    /** The packet limit from {@code -a packets:N}, or Long.MAX_VALUE. */
    long packetLimit() {
        long limit = Long.MAX_VALUE;
        for (String a : autostop) {
            if (a.startsWith("packets:")) limit = Math.min(limit, positive(a, a.substring("packets:".length())));
        }
        return limit;
    }

    private Duration duration() {
        Duration d = null;
        for (String a : autostop) {
            String s = a.toLowerCase(Locale.ROOT);
            if (s.startsWith("duration:")) {
                Duration here = seconds(a, a.substring("duration:".length()));
                if (d == null || here.compareTo(d) < 0) d = here;
            } else if (!s.startsWith("packets:")) {
                throw UserError.usage("-a takes duration:SECONDS or packets:N, not '" + a + "'"
                        + (s.startsWith("filesize:") || s.startsWith("files:") ? " (ring files come with the probe)" : ""));
            }
        }
        return d;
    }

    /** -a duration:SECONDS: a positive number of seconds, fractions too (tshark takes duration:1.5), at most a year. */
    private static Duration seconds(String option, String value) {
        java.math.BigDecimal s;
        try {
            s = new java.math.BigDecimal(value.strip());
        } catch (NumberFormatException e) {
            throw UserError.usage("-a " + option + ": '" + value + "' is not a positive number of seconds");
        }
        if (s.compareTo(java.math.BigDecimal.valueOf(365L * 24 * 3600)) > 0) throw UserError.usage("-a " + option + ": at most a year (31536000 seconds)");
        long nanos = s.movePointRight(9).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
        if (nanos < 1_000_000) throw UserError.usage("-a " + option + ": '" + value + "' is not a positive number of seconds (at least 0.001)");
        return Duration.ofNanos(nanos);
    }

    private static long positive(String option, String value) {
        try {
            long n = Long.parseLong(value.strip());
            if (n < 1) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw UserError.usage("-a " + option + ": '" + value + "' is not a positive whole number");
        }
    }

    /** The capture these options describe; usage errors for what is wrong before anything opens. */
    LiveCapture capture() {
        LiveBackend chosen = backend();
        LiveOptions options;
        try {
            options = LiveOptions.of(interfaceName(chosen));
            if (snaplen != null) options = options.withSnaplen(snaplen == 0 ? LiveOptions.MAX_SNAPLEN : snaplen);
            if (bufferMiB != null) {
                if (bufferMiB < 1 || bufferMiB > 2047) throw UserError.usage("-B " + bufferMiB + ": the buffer is 1 to 2047 MiB");
                options = options.withBufferBytes((long) bufferMiB << 20);
            }
            options = options.withPromiscuous(!noPromiscuous).withFilter(filter);
            if (queues != null) {
                if (!chosen.name().equals("xdp")) throw UserError.usage("--queues is for --backend xdp (the " + chosen.name() + " backend reads one socket or port)");
                if (queues < 1 || queues > LiveOptions.MAX_QUEUES) throw UserError.usage("--queues " + queues + ": 1 to " + LiveOptions.MAX_QUEUES);
                options = options.withQueues(queues);
            }
            if (busyPoll) {
                if (!chosen.name().equals("xdp") && !chosen.name().equals("dpdk")) {
                    throw UserError.usage("--busy-poll is for --backend xdp or dpdk (the " + chosen.name() + " backend waits on the kernel)");
                }
                options = options.withBusyPoll(true);
            }
        } catch (IllegalArgumentException e) {
            throw UserError.usage((snaplen != null ? "-s " + snaplen + ": " : "") + e.getMessage());
        }
        if (options.filter() != null) chosen.checkFilter(options.filter()).ifPresent(m -> {
            throw UserError.usage("-f: " + m);
        });
        return new LiveCapture(chosen, options, duration());
    }

    LiveBackend backend() {
        try {
            return Backends.get(backend);
        } catch (SourceException e) {
            // a name that is no backend is the user's mistake (exit 2); a backend that cannot run here (its
            // library missing) fails like any other start of a capture, with its fix (exit 1)
            throw backend == null || Backends.names().contains(backend) ? UserError.failure(e.getMessage())
                    : UserError.usage("--backend: " + e.getMessage());
        }
    }

    /** {@code -i 2} is the second interface of {@code -D}, as in tshark, unless an interface is called "2". */
    private String interfaceName(LiveBackend chosen) {
        if (!iface.matches("[0-9]{1,4}")) return iface;
        List<CaptureInterface> all = interfaces(chosen);
        if (all.stream().anyMatch(i -> i.name().equals(iface))) return iface;
        int n = Integer.parseInt(iface);
        if (n < 1 || n > all.size()) throw UserError.usage("-i " + iface + ": there are " + all.size() + " interfaces (cellscope read -D lists them)");
        return all.get(n - 1).name();
    }

    static List<CaptureInterface> interfaces(LiveBackend backend) {
        try {
            return backend.interfaces();
        } catch (SourceException e) {
            throw UserError.failure(e.getMessage());
        }
    }

    /** {@code -D}: the interfaces numbered as {@code -i N} takes them, like tshark -D, with their addresses. */
    static String list(List<CaptureInterface> all) {
        StringBuilder b = new StringBuilder();
        int n = 0;
        for (CaptureInterface i : all) {
            b.append(++n).append(". ").append(i.name());
            if (i.description() != null) b.append(" (").append(i.description()).append(')');
            else if (i.loopback()) b.append(" (Loopback)");
            if (!i.up()) b.append(" [down]");
            else if (!i.running()) b.append(" [no carrier]");
            if (!i.addresses().isEmpty()) b.append("  ").append(String.join(", ", i.addresses()));
            b.append('\n');
        }
        return b.toString();
    }
}
