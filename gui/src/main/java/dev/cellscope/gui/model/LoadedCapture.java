package dev.cellscope.gui.model;

import dev.cellscope.flow.FlowRow;
import dev.cellscope.flow.TimeSeries;
import dev.cellscope.session.SessionResult;

import java.nio.file.Path;
import java.util.List;

/**
 * A capture once its session has ended: the frame index (filled while it ran), the findings, the
 * flow table's rows (as {@code cellscope stats} writes them), the time series of the plots and
 * what the analysis added to each frame (for filters on analysed fields).
 */
public record LoadedCapture(Path file, FrameIndex index, List<Finding> findings, long findingsDropped, List<FlowRow> flows,
                            TimeSeries series, SessionResult result, long millis,
                            AnalysedValues analysed) {}
