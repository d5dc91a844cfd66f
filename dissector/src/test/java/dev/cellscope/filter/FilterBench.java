package dev.cellscope.filter;

import dev.cellscope.dissect.Dissector;
import dev.cellscope.dissect.FieldSink;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.field.FieldRegistry;
import dev.cellscope.io.CaptureReader;
import dev.cellscope.io.Packet;
import dev.cellscope.output.FieldColumns;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Not a test: filtering cost against plain selective dissection. Run with a large capture,
 * e.g. {@code cellscope samples generate bulk --size 1000000 -o /tmp/bulk.pcapng}, then
 * {@code java -cp <test classpath> dev.cellscope.filter.FilterBench /tmp/bulk.pcapng [filter] [rounds]}.
 * Rounds alternate the two loops; the best and median ns/frame of each are printed.
 */
public final class FilterBench {
    public static void main(String[] args) throws IOException {
        Path file = Path.of(args.length > 0 ? args[0] : "/tmp/bulk.pcapng");
        String expression = args.length > 1 ? args[1] : "utcp.flags.data == 1 && utcp.seq > 1000 && !tether";
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 7;
        DisplayFilter filter = DisplayFilter.compile(expression);
        Dissector dissector = new Dissector();
        FieldColumns columns = new FieldColumns(List.of(FieldRegistry.byName("frame.number"), FieldRegistry.byName("utcp.seq")), ",");
        FilterSink sink = filter.newSink();
        double[] base = new double[rounds], filtered = new double[rounds];
        long frames = 0, matched = 0;
        for (int round = 0; round < rounds; round++) {
            long[] r = run(file, dissector, columns, null, null);
            base[round] = (double) r[0] / r[1];
            r = run(file, dissector, sink, filter, null);
            filtered[round] = (double) r[0] / r[1];
            frames = r[1];
            matched = r[2];
            System.out.printf("round %d: columns %.1f ns/frame, filter %.1f ns/frame (%d of %d frames match)%n",
                    round, base[round], filtered[round], matched, frames);
        }
        Arrays.sort(base);
        Arrays.sort(filtered);
        System.out.printf("filter: %s%nframes: %d, matching: %d%n", expression, frames, matched);
        System.out.printf("columns (frame.number, utcp.seq): best %.1f, median %.1f ns/frame%n", base[0], base[rounds / 2]);
        System.out.printf("filter:                            best %.1f, median %.1f ns/frame%n", filtered[0], filtered[rounds / 2]);
        System.out.printf("overhead: best %+.1f%%, median %+.1f%%%n", 100 * (filtered[0] / base[0] - 1),
                100 * (filtered[rounds / 2] / base[rounds / 2] - 1));
    }

    /** {elapsed ns, frames, matches}. */
    private static long[] run(Path file, Dissector d, FieldSink sink, DisplayFilter filter, Object unused) throws IOException {
        long frames = 0, matches = 0, first = -1, prev = 0;
        long t0 = System.nanoTime();
        try (CaptureReader r = CaptureReader.open(file)) {
            Packet p;
            while ((p = r.next()) != null) {
                if (first < 0) first = prev = p.timestampNanos();
                FrameTiming timing = new FrameTiming(first, prev);
                if (sink instanceof FilterSink fs) {
                    fs.reset();
                    d.dissect(p, timing, fs);
                    if (filter.matches(fs)) matches++;
                } else {
                    FieldColumns c = (FieldColumns) sink;
                    c.reset();
                    d.dissect(p, timing, c);
                    if (c.present(1)) matches++;
                }
                prev = p.timestampNanos();
                frames++;
            }
        }
        return new long[] {System.nanoTime() - t0, frames, matches};
    }
}
