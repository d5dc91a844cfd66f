package dev.cellscope.cli;

import dev.cellscope.dissect.Dissector;
import dev.cellscope.dissect.DissectorConfig;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.dissect.ProtoTree;
import dev.cellscope.field.FieldDef;
import dev.cellscope.field.FieldRegistry;
import dev.cellscope.io.CaptureError;
import dev.cellscope.io.CaptureReader;
import dev.cellscope.io.Packet;
import dev.cellscope.output.FieldColumns;
import dev.cellscope.output.HexDump;
import dev.cellscope.output.JsonFrames;
import dev.cellscope.output.SummaryLine;
import dev.cellscope.output.TreeText;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;

/** {@code cellscope read}: decode a capture file, tshark-style. */
@Command(name = "read", mixinStandardHelpOptions = true,
        description = "Decode a pcap or pcapng capture: summary lines, detail tree, hex, fields or JSON.")
public final class ReadCommand implements Callable<Integer> {

    enum Format { text, fields, json }

    @Option(names = "-r", paramLabel = "FILE", required = true, description = "Capture file to read (pcap or pcapng).")
    Path file;

    @Option(names = "-c", paramLabel = "N", description = "Stop after N frames.")
    long count = Long.MAX_VALUE;

    @Option(names = "-V", description = "Print the detail tree of each frame.")
    boolean verbose;

    @Option(names = "-x", description = "Print a hex and ASCII dump of each frame.")
    boolean hex;

    @Option(names = "-T", paramLabel = "FORMAT", description = "Output format: ${COMPLETION-CANDIDATES} (default text).")
    Format format = Format.text;

    @Option(names = "-e", paramLabel = "FIELD", description = "Field to print with -T fields (repeatable).")
    List<String> fieldNames = new ArrayList<>();

    @Option(names = "-E", paramLabel = "KEY=VALUE",
            description = "Fields output options: separator=/t|/s|C, occurrence=C, header=y|n.")
    List<String> fieldOptions = new ArrayList<>();

    @Option(names = "-w", paramLabel = "OUT.pcapng", description = "Write the frames read to a pcapng file.")
    Path writeTo;

    @Option(names = "-d", paramLabel = "udp.port==N",
            description = "Decode UDP port N as UTCP/Tether (like tshark's decode-as); repeatable. Default port 34997.")
    List<String> decodeAs = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        Dissector dissector = new Dissector(config());
        FrameOutput output = frameOutput();
        long frames = 0;
        Optional<CaptureError> damage;
        try (CaptureReader reader = Captures.open(file);
             CaptureCopy copy = writeTo == null ? null : new CaptureCopy(writeTo, reader);
             Writer out = Console.stdout()) {
            output.begin(out);
            long first = 0, previous = 0;
            Packet p;
            while (frames < count && (p = reader.next()) != null) {
                if (frames == 0) first = previous = p.timestampNanos();
                output.frame(dissector, p, new FrameTiming(first, previous), out);
                if (copy != null) copy.write(p);
                previous = p.timestampNanos();
                frames++;
            }
            output.end(out);
            damage = frames < count ? reader.error() : Optional.empty();
        } catch (Console.ClosedOutput e) {
            return 0; // the reader of our output went away (e.g. `| head`): not an error
        }
        if (damage.isPresent()) {
            throw UserError.failure(file + ": " + damage.get().message() + "; " + frames + " frames were read before it");
        }
        return 0;
    }

    private DissectorConfig config() {
        if (decodeAs.isEmpty()) return DissectorConfig.defaults();
        Set<Integer> ports = new HashSet<>();
        for (String spec : decodeAs) {
            String s = spec.replace(" ", "");
            if (!s.startsWith("udp.port==")) throw UserError.usage("-d takes udp.port==N, got '" + spec + "'");
            String port = s.substring("udp.port==".length()).replaceFirst(",.*$", "");
            try {
                int n = Integer.parseInt(port);
                if (n < 1 || n > 65535) throw new NumberFormatException();
                ports.add(n);
            } catch (NumberFormatException e) {
                throw UserError.usage("-d: '" + port + "' is not a UDP port (1-65535)");
            }
        }
        return DissectorConfig.defaults().withUdpPorts(ports);
    }

    private FrameOutput frameOutput() {
        if (format != Format.fields && !fieldNames.isEmpty()) {
            throw UserError.usage("-e is only allowed with -T fields");
        }
        return switch (format) {
            case fields -> fieldsOutput();
            case json -> new JsonOutput();
            case text -> new TextOutput(verbose, hex);
        };
    }

    private FrameOutput fieldsOutput() {
        if (fieldNames.isEmpty()) throw UserError.usage("-T fields needs at least one -e FIELD");
        List<FieldDef> fields = new ArrayList<>();
        for (String name : fieldNames) {
            FieldDef f = FieldRegistry.byName(name);
            if (f == null) {
                String hint = FieldRegistry.suggest(name);
                throw UserError.usage("unknown field '" + name + "'" + (hint != null ? "; did you mean '" + hint + "'?" : "")
                        + " (cellscope fields lists them all)");
            }
            fields.add(f);
        }
        char separator = '\t';
        String occurrence = ",";
        boolean header = false;
        for (String opt : fieldOptions) {
            int eq = opt.indexOf('=');
            if (eq < 0) throw UserError.usage("-E takes KEY=VALUE, got '" + opt + "'");
            String key = opt.substring(0, eq), value = opt.substring(eq + 1);
            switch (key) {
                case "separator" -> separator = switch (value) {
                    case "/t" -> '\t';
                    case "/s" -> ' ';
                    default -> {
                        if (value.length() != 1) throw UserError.usage("-E separator takes one character, /t or /s");
                        yield value.charAt(0);
                    }
                };
                case "occurrence" -> occurrence = value;
                case "header" -> header = value.equals("y");
                default -> throw UserError.usage("-E: unknown option '" + key + "' (separator, occurrence, header)");
            }
        }
        return new FieldsOutput(new FieldColumns(fields, occurrence), separator, header);
    }

    /** One way of printing frames. */
    interface FrameOutput {
        default void begin(Writer out) throws IOException {}
        void frame(Dissector dissector, Packet p, FrameTiming timing, Writer out) throws IOException;
        default void end(Writer out) throws IOException {}
    }

    /** Summary lines, optionally with the tree (-V) and hex (-x). */
    record TextOutput(boolean verbose, boolean hex) implements FrameOutput {
        @Override
        public void frame(Dissector dissector, Packet p, FrameTiming timing, Writer out) throws IOException {
            ProtoTree tree = new ProtoTree();
            dissector.dissect(p, timing, tree);
            StringBuilder b = new StringBuilder(256);
            if (verbose) {
                TreeText.render(tree, b);
            } else {
                SummaryLine.format(p, timing, tree, b);
            }
            if (hex) {
                if (!verbose) b.append('\n');
                HexDump.render(p.data(), b);
            }
            if (verbose || hex) b.append('\n');
            out.append(b);
        }
    }

    /** -T json: one array of frames. */
    static final class JsonOutput implements FrameOutput {
        private boolean first = true;

        @Override
        public void begin(Writer out) throws IOException {
            StringBuilder b = new StringBuilder();
            JsonFrames.begin(b);
            out.append(b);
        }

        @Override
        public void frame(Dissector dissector, Packet p, FrameTiming timing, Writer out) throws IOException {
            ProtoTree tree = new ProtoTree();
            dissector.dissect(p, timing, tree);
            StringBuilder b = new StringBuilder(2048);
            JsonFrames.frame(tree, first, b);
            first = false;
            out.append(b);
        }

        @Override
        public void end(Writer out) throws IOException {
            StringBuilder b = new StringBuilder();
            JsonFrames.end(b);
            out.append(b);
        }
    }

    /** -T fields: tab-separated values of the -e fields, one line per frame. */
    static final class FieldsOutput implements FrameOutput {
        private final FieldColumns columns;
        private final char separator;
        private final boolean header;
        private final StringBuilder line = new StringBuilder(128);

        FieldsOutput(FieldColumns columns, char separator, boolean header) {
            this.columns = columns;
            this.separator = separator;
            this.header = header;
        }

        @Override
        public void begin(Writer out) throws IOException {
            if (!header) return;
            List<FieldDef> cols = columns.columns();
            for (int i = 0; i < cols.size(); i++) {
                if (i > 0) out.append(separator);
                out.append(cols.get(i).name());
            }
            out.append('\n');
        }

        @Override
        public void frame(Dissector dissector, Packet p, FrameTiming timing, Writer out) throws IOException {
            columns.reset();
            dissector.dissect(p, timing, columns);
            line.setLength(0);
            columns.appendRow(line, separator);
            line.append('\n');
            out.append(line);
        }
    }
}
