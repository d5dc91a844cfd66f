package dev.cellscope.samples;

import dev.cellscope.expert.Expert;
import dev.cellscope.expert.Severity;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every committed scenario: the analyser's findings of severity note and above, counted by severity
 * and group, equal the {@code expected_findings} its truth file derives from what the wire and the
 * endpoints did ({@link ExpectedFindings}).
 */
class ExpectedFindingsTest {

    @TestFactory
    Stream<DynamicTest> findingsByGroupMatchTheTruth() {
        return Scenarios.COMMITTED.stream().map(name -> DynamicTest.dynamicTest(name, () -> check(name)));
    }

    private static void check(String name) throws IOException {
        Map<String, Object> truth = ScenarioTruthTest.truth(name);
        assertTrue(truth.containsKey("expected_findings"), name + ": no expected_findings in the truth file");
        Map<String, Map<String, Long>> expected = new TreeMap<>();
        ((Map<?, ?>) truth.get("expected_findings")).forEach((sev, groups) -> ((Map<?, ?>) groups).forEach((g, n) ->
                expected.computeIfAbsent((String) sev, k -> new TreeMap<>()).put((String) g, ((Number) n).longValue())));
        Map<String, Map<String, Long>> actual = new TreeMap<>();
        for (Expert e : new Analysed(ScenarioTruthTest.CAPTURES.resolve(name + ".pcapng")).experts()) {
            if (e.severity() == Severity.CHAT) continue;
            actual.computeIfAbsent(e.severity().name().toLowerCase(Locale.ROOT), k -> new TreeMap<>())
                    .merge(e.group().name().toLowerCase(Locale.ROOT), 1L, Long::sum);
        }
        assertEquals(expected, actual, name + ": findings (note and above) by severity and group");
    }

    @Test
    void gapsAreCountedAsRunsOfSeqs() {
        assertEquals(0, ExpectedFindings.runs(List.of()));
        assertEquals(1, ExpectedFindings.runs(List.of(5L, 6L, 7L)));
        assertEquals(3, ExpectedFindings.runs(List.of(9L, 1L, 2L, 5L)));
    }
}
