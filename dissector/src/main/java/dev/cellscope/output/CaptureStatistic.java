package dev.cellscope.output;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.expert.Expert;

import java.util.List;

/** A {@code -z} statistic: fed every frame as a sink, printed once at the end. */
public interface CaptureStatistic extends FieldSink {

    /** Findings about the capture as a whole, once the last frame has been read. */
    default void captureFindings(List<Expert> findings) {}

    void print(StringBuilder out);
}
