package dev.cellscope.samples;

import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The expert findings (severity note and above, by group) an analyser following PROTOCOLS.md must
 * report on a scenario capture, derived only from the facts in its ground truth — what the wire and
 * the endpoints did — never from the dissector. Written into the truth file as
 * {@code expected_findings: {severity: {group: count}}}; the rules are in samples/README.md.
 */
final class ExpectedFindings {
    private ExpectedFindings() {}

    static Map<String, Object> from(Map<String, Object> truth) {
        Counts c = new Counts();
        for (Object d : list(truth.get("utcp"))) {
            c.add("warn", "sequence", runs(list(map(d).get("data_missing_at_tap"))));   // one "N seq(s) missing" per gap
            c.add("note", "sequence", list(map(d).get("data_reordered_and_overtaken")).size());
            c.add("note", "sequence", list(map(d).get("data_retransmitted")).size());
            c.add("note", "sequence", list(map(d).get("data_duplicated")).size());
        }
        if (truth.get("sbi") instanceof Map<?, ?> sbi) {
            for (Object conn : list(sbi.get("connections"))) {
                if (!"refused".equals(map(conn).get("handshake"))) continue;
                c.add("warn", "protocol", 1);   // "Handshake fails: ... requires X"
                // The initiator also NACKs because its own requirement is unmet: the rule both the peer and the analyser
                // apply (SbiNegotiation.rejectedBy, docs/DECISIONS.md), so that NACK is not flagged.
            }
        }
        if (truth.get("tether") instanceof Map<?, ?> tether) {
            for (Object d : list(tether.get("directions"))) {
                c.add("error", "credit", ((Number) map(d).get("credit_overrun_frames_at_tap")).longValue());
                for (Object m : list(map(d).get("manifests_recorded"))) {
                    if (Boolean.FALSE.equals(map(m).get("tap_matches"))) c.add("warn", "sequence", 1);
                }
            }
        }
        if (truth.get("attack") instanceof Map<?, ?> attack) {
            switch (String.valueOf(attack.get("kind"))) {
                case "corrupt_block" -> c.add("error", "checksum",
                        list(attack.get("blocks")).stream().filter(b -> Boolean.TRUE.equals(map(b).get("corrupted"))).count());
                case "oversize_frame_len", "legacy_json" -> c.add("error", "malformed", 1);
                default -> { }   // the scan: findings only with an address book (AttackScenarioTruthTest)
            }
        }
        return c.map;
    }

    /** Contiguous runs in a sorted list of seqs. */
    static long runs(List<Object> seqs) {
        TreeSet<Long> s = new TreeSet<>();
        for (Object o : seqs) s.add(((Number) o).longValue());
        long runs = 0, previous = Long.MIN_VALUE;
        for (long q : s) {
            if (q != previous + 1) runs++;
            previous = q;
        }
        return runs;
    }

    private static final class Counts {
        final Map<String, Object> map = Json.object();

        @SuppressWarnings("unchecked")
        void add(String severity, String group, long n) {
            if (n == 0) return;
            Map<String, Object> g = (Map<String, Object>) map.computeIfAbsent(severity, k -> Json.object());
            g.merge(group, n, (a, b) -> ((Number) a).longValue() + ((Number) b).longValue());
        }
    }

    private static Map<?, ?> map(Object o) {
        return (Map<?, ?>) o;
    }

    private static List<Object> list(Object o) {
        @SuppressWarnings("unchecked")
        List<Object> l = o == null ? List.of() : (List<Object>) o;
        return l;
    }
}
