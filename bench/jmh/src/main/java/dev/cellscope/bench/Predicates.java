package dev.cellscope.bench;

import dev.cellscope.field.FieldDef;
import dev.cellscope.field.FieldRegistry;
import dev.cellscope.filter.DisplayFilter;
import dev.cellscope.filter.FilterSink;
import dev.cellscope.protocol.BoundedRangeSet;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Per-frame kernels of the analysis, in nanoseconds per operation: a display filter's predicate over the
 * values a dissection reports (bench/filter.sh's three-clause filter, fed as the dissector feeds it: the
 * UTCP layer, its flags and sequence number), and the bounded range sets that track received sequence
 * numbers (in-order arrival with one gap in 64, the gap filled later, as a NACK-recovered stream).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(1)
public class Predicates {
    DisplayFilter filter;
    FilterSink sink;
    FieldDef utcp, data, seq;
    long n;
    BoundedRangeSet<Void> received;

    @Setup(Level.Trial)
    public void setUp() {
        filter = DisplayFilter.compile("utcp.flags.data == 1 && utcp.seq > 1000 && !tether");
        sink = filter.newSink();
        utcp = FieldRegistry.byName("utcp");
        data = FieldRegistry.byName("utcp.flags.data");
        seq = FieldRegistry.byName("utcp.seq");
        received = BoundedRangeSet.ofNumbers(1024, BoundedRangeSet.WhenFull.DROP_LOWEST);
    }

    @Benchmark
    public boolean filterPredicate() {
        long s = ++n;
        sink.reset();
        sink.protocol(utcp, 0, 32);
        sink.number(data, 12, 1, 1);
        sink.number(seq, 4, 4, s & 0xffff);
        return filter.matches(sink);
    }

    /** One arrival: seq n, except every 64th, which arrives 32 later (a NACK-recovered gap). */
    @Benchmark
    public boolean rangeSetArrival() {
        long s = ++n;
        if ((s & 63) == 0) return false;
        boolean added = received.add(s, null);
        if ((s & 63) == 32) received.add(s - 32, null);
        return added && received.contains(s - 1);
    }
}
