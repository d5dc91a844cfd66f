package dev.cellscope.endpoint.tether;

import dev.cellscope.analysis.TetherFrameResult;
import dev.cellscope.analysis.TetherLedger;
import dev.cellscope.analysis.TetherObservation;
import dev.cellscope.wire.Decoded;
import dev.cellscope.wire.TetherFrame;

import java.util.ArrayList;
import java.util.List;

/** The tap's side of a {@link TetherHarness} transfer: what cellscope's analyser makes of the frames that entered the wire. */
final class TetherTap {
    private TetherTap() {}

    /** Every frame the tap saw, in the order it saw them, through cellscope's analyzer. */
    static List<TetherFrameResult> analyze(TetherHarness h, TetherLedger ledger) {
        List<TetherFrameResult> out = new ArrayList<>();
        long n = 0;
        for (TetherHarness.Sent t : h.sent) {
            if (!(TetherFrame.decode(t.bytes()) instanceof Decoded.Ok<TetherFrame>(TetherFrame f, int ignored))) {
                throw new AssertionError("tap saw a frame that does not decode");
            }
            out.add(ledger.observe(TetherObservation.from(++n, t.timeNanos(), f)));
        }
        return out;
    }
}
