package dev.cellscope.flow;

/** Receives finished rows: flows evicted while the capture is read, then the rest at the end. */
@FunctionalInterface
public interface FlowListener {
    void flow(FlowRow row);
}
