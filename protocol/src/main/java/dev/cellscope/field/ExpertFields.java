package dev.cellscope.field;

import java.util.Map;

import static dev.cellscope.field.FieldDef.*;

/** Expert information fields (PROTOCOLS.md section 5). */
public final class ExpertFields {
    private ExpertFields() {}

    public static final Map<Long, String> SEVERITIES = Map.of(0L, "chat", 1L, "note", 2L, "warn", 3L, "error");
    public static final Map<Long, String> GROUPS = Map.of(
            0L, "checksum", 1L, "sequence", 2L, "protocol", 3L, "malformed", 4L, "security", 5L, "credit");

    public static final FieldDef EXPERT = protocol("expert", "Expert Info", "A finding about the frame");
    public static final FieldDef SEVERITY = symbol("expert.severity", "Severity", SEVERITIES, "chat, note, warn or error (ordered)");
    public static final FieldDef GROUP = symbol("expert.group", "Group", GROUPS, "checksum, sequence, protocol, malformed, security or credit");
    public static final FieldDef MESSAGE = of("expert.message", "Message", FieldType.STRING, "What was found");
}
