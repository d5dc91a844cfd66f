package dev.cellscope.flow;

import dev.cellscope.analysis.AnalysisConfig;
import dev.cellscope.analysis.CaptureAnalysis;
import dev.cellscope.dissect.Dissector;
import dev.cellscope.dissect.FrameTiming;
import dev.cellscope.io.Packet;

import java.util.List;

/** Test helper: dissects frames in order with single-pass conversation analysis into a time series sink. */
final class SeriesFeed {
    private SeriesFeed() {}

    /** Frames as (timestamp ns, bytes); numbered from 1. */
    record Timed(long timeNanos, byte[] bytes) {}

    static TimeSeries collect(List<Timed> frames, TimeSeriesOptions options) {
        Dissector dissector = new Dissector();
        CaptureAnalysis analysis = CaptureAnalysis.singlePass(new AnalysisConfig(null, false));
        TimeSeriesSink sink = new TimeSeriesSink(options);
        long first = frames.isEmpty() ? 0 : frames.getFirst().timeNanos(), previous = first;
        long n = 0;
        for (Timed t : frames) {
            dissector.dissect(Packet.of(++n, t.timeNanos(), t.bytes()), new FrameTiming(first, previous), analysis, sink);
            previous = t.timeNanos();
        }
        analysis.finish();
        return sink.result();
    }
}
