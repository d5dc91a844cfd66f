package dev.cellscope.endpoint.tether;

import dev.cellscope.analysis.TetherFlowStats.ManifestMatch;
import dev.cellscope.analysis.TetherFrameResult;
import dev.cellscope.analysis.TetherLedger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;

/** The lossy-path guarantees over many seeds, not one lucky one. */
class LossySeedSweepTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 5, 6, 8, 13, 15, 21, 33, 34, 55})
    void lossyTransfersStayCorrectForTheAnalyzer(long seed) {
        TetherHarness h = new TetherHarness(seed, 256 * 1024, TetherHarness.faults(0.05, 0.02, 0.01, 0.005));
        SendResult r = h.run();
        assertTrue(r.ok(), () -> seed + ": " + r);
        assertArrayEquals(h.content, h.reception.content());
        TetherLedger ledger = new TetherLedger();
        var results = TetherTap.analyze(h, ledger);
        var data = ledger.flow(TetherHarness.SENDER, TetherHarness.RECEIVER, 1);
        assertEquals(0, ledger.summary().overruns());
        assertEquals(ManifestMatch.YES, data.manifest());
        long linked = results.stream().filter(x -> x.retransmission() && x.answersNackInFrame() != TetherFrameResult.NONE).count();
        assertEquals(data.slotsResent(), linked, "every re-send answers a NACK");
        // No finding but chat. A Manifest written while a NACK was on its way to the sender is no longer one: whether a
        // NACKed slot was never re-sent is judged at the end of the capture, and here the re-send always followed.
        results.stream().flatMap(x -> x.findings().stream())
                .filter(e -> !e.severity().name().equalsIgnoreCase("chat"))
                .forEach(e -> fail(seed + ": " + e));
        assertEquals(List.of(), ledger.finish(), seed + ": at the end");
    }
}
