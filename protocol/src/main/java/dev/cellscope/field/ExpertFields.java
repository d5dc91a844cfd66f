package dev.cellscope.field;

import dev.cellscope.expert.ExpertGroup;
import dev.cellscope.expert.Severity;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

import static dev.cellscope.field.FieldDef.*;

/** Expert information fields (PROTOCOLS.md section 5); the kinds themselves are in {@code dev.cellscope.expert}. */
public final class ExpertFields {
    private ExpertFields() {}

    /** Severity names by ordinal, from {@link Severity}: values of {@code expert.severity}. */
    public static final Map<Long, String> SEVERITIES = labels(Severity.values(), Severity::label);
    /** Group names by ordinal, from {@link ExpertGroup}: values of {@code expert.group}. */
    public static final Map<Long, String> GROUPS = labels(ExpertGroup.values(), ExpertGroup::label);

    public static final FieldDef EXPERT = protocol("expert", "Expert Info", "A finding about the frame");
    public static final FieldDef SEVERITY = symbol("expert.severity", "Severity", SEVERITIES, "chat, note, warn or error (ordered)");
    public static final FieldDef GROUP = symbol("expert.group", "Group", GROUPS, "checksum, sequence, protocol, malformed, security or credit");
    public static final FieldDef MESSAGE = of("expert.message", "Message", FieldType.STRING, "What was found");
    /** Filters and {@code -T fields} only: the tree and JSON do not show it. */
    public static final FieldDef ID = of("expert.id", "Kind", FieldType.STRING, "The kind of finding (docs/EXPERTS.md)");

    private static <E extends Enum<E>> Map<Long, String> labels(E[] values, Function<E, String> label) {
        Map<Long, String> m = new LinkedHashMap<>();
        for (E v : values) m.put((long) v.ordinal(), label.apply(v));
        return Collections.unmodifiableMap(m);
    }
}
