package dev.cellscope.output;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.expert.Expert;

import java.util.List;

/** A {@code -z} statistic: fed every frame as a sink, printed once at the end. */
public interface CaptureStatistic extends FieldSink {

    /** Findings about the capture as a whole, once the last frame has been read. */
    default void captureFindings(List<Expert> findings) {}

    /**
     * The sink for UTCP-SBI messages released when the capture ended (they are not frames), or
     * null when this statistic does not count them; their findings come through {@link #captureFindings}.
     */
    default FieldSink releasedSink() {
        return null;
    }

    void print(StringBuilder out);
}
