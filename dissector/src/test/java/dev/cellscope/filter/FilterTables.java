package dev.cellscope.filter;

import dev.cellscope.dissect.Dissector;
import dev.cellscope.dissect.ProtoTree;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/** Reads the reviewed tables under src/test/resources/filter and runs filters over the fixture frames. */
final class FilterTables {
    private FilterTables() {}

    record Row(int line, String expression, String expected, String why) {}

    static List<Row> read(String resource) {
        try (InputStream in = FilterTables.class.getResourceAsStream("/filter/" + resource)) {
            if (in == null) throw new IllegalStateException("missing resource " + resource);
            List<Row> rows = new ArrayList<>();
            String[] lines = new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n");
            for (int i = 0; i < lines.length; i++) {
                String l = lines[i];
                if (l.isBlank() || l.startsWith("#")) continue;
                String[] cols = l.split("\t", -1);
                if (cols.length < 2) throw new IllegalStateException(resource + ":" + (i + 1) + ": expected tab-separated columns");
                rows.add(new Row(i + 1, cols[0], cols[1], cols.length > 2 ? cols[2] : ""));
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** "1-3,7" → [1, 2, 3, 7]; "none" → []. */
    static TreeSet<Long> frames(String spec) {
        TreeSet<Long> out = new TreeSet<>();
        if (spec.equals("none")) return out;
        for (String part : spec.split(",")) {
            int dash = part.indexOf('-');
            if (dash < 0) out.add(Long.parseLong(part.trim()));
            else for (long n = Long.parseLong(part.substring(0, dash).trim()); n <= Long.parseLong(part.substring(dash + 1).trim()); n++) out.add(n);
        }
        return out;
    }

    /** [1, 2, 3, 7] → "1-3,7". */
    static String spec(TreeSet<Long> frames) {
        if (frames.isEmpty()) return "none";
        StringBuilder b = new StringBuilder();
        Long start = null, prev = null;
        for (long n : frames) {
            if (prev != null && n == prev + 1) {
                prev = n;
                continue;
            }
            if (start != null) append(b, start, prev);
            start = prev = n;
        }
        append(b, start, prev);
        return b.toString();
    }

    private static void append(StringBuilder b, long from, long to) {
        if (!b.isEmpty()) b.append(',');
        b.append(from);
        if (to > from) b.append(to == from + 1 ? "," : "-").append(to);
    }

    /** Frames the compiled filter matches, dissecting each frame into the filter's own sink. */
    static TreeSet<Long> compiled(DisplayFilter f, Dissector d) {
        TreeSet<Long> out = new TreeSet<>();
        FilterSink s = f.newSink();
        for (FilterFixture.Frame fr : FilterFixture.frames()) {
            s.reset();
            d.dissect(fr.packet(), fr.timing(), s);
            if (f.matches(s)) out.add(fr.number());
        }
        return out;
    }

    private static List<ProtoTree> trees;

    static synchronized List<ProtoTree> trees() {
        if (trees == null) {
            Dissector d = new Dissector();
            trees = FilterFixture.frames().stream().map(fr -> fr.tree(d)).toList();
        }
        return trees;
    }

    /** Frames the reference evaluator matches over the full trees. */
    static TreeSet<Long> reference(DisplayFilter f) {
        TreeSet<Long> out = new TreeSet<>();
        List<FilterFixture.Frame> frames = FilterFixture.frames();
        for (int i = 0; i < frames.size(); i++) if (ReferenceEvaluator.matches(f, trees().get(i))) out.add(frames.get(i).number());
        return out;
    }
}
