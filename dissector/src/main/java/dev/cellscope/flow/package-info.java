/**
 * Per-flow statistics built in one pass over a capture: the flow table ({@link dev.cellscope.flow.FlowTable},
 * a {@link dev.cellscope.dissect.FieldSink} fed by the dissector with conversation analysis) and
 * its CSV export ({@link dev.cellscope.flow.FlowCsv}, documented column by column in
 * {@code docs/CSV.md}).
 *
 * <p>Three kinds of rows: {@code utcp} (one per CellID pair and direction), {@code tether} (one
 * per sender, target and flow id) and {@code sbi} (one per unordered CellID pair). Rows are
 * computed from reported fields only, so anything a sink sees (including a filtered or
 * re-dissected frame) can feed the table. Memory stays bounded: flows idle for longer than a
 * capture-time interval, or beyond a cap on live flows, are handed to a
 * {@link dev.cellscope.flow.FlowListener} and forgotten.
 *
 * <p>Time series and plots ({@code TimeSeries*}, {@code Series*}) live beside this package's
 * flow table and are written by another engineer; the two share nothing but the sink interface.
 */
package dev.cellscope.flow;
