package dev.cellscope.expert;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One kind of expert finding, declared once (Wireshark's {@code ei_register_info}): its dotted id,
 * how bad it is, its area, and a one-line summary for docs/EXPERTS.md. Findings carry a kind and a
 * message, so they can be filtered and coloured by kind ({@code expert.id}) rather than by text.
 */
public record ExpertInfo(String id, Severity severity, ExpertGroup group, String summary) {
    /** Lowercase, dotted, prefixed by the protocol: {@code utcp.gap}, {@code tether.ctrl.unknown_tag}. */
    private static final Pattern ID = Pattern.compile("[a-z][a-z0-9]*(\\.[a-z][a-z0-9_]*)+");

    public ExpertInfo {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(group, "group");
        if (id == null || !ID.matcher(id).matches()) throw new IllegalArgumentException("bad expert id: " + id);
        if (summary == null || summary.isBlank()) throw new IllegalArgumentException("expert " + id + " has no summary");
    }

    /** The protocol part of the id: {@code utcp} for {@code utcp.gap}. */
    public String protocol() {
        return id.substring(0, id.indexOf('.'));
    }

    static ExpertInfo chat(String id, ExpertGroup group, String summary) {
        return new ExpertInfo(id, Severity.CHAT, group, summary);
    }

    static ExpertInfo note(String id, ExpertGroup group, String summary) {
        return new ExpertInfo(id, Severity.NOTE, group, summary);
    }

    static ExpertInfo warn(String id, ExpertGroup group, String summary) {
        return new ExpertInfo(id, Severity.WARN, group, summary);
    }

    static ExpertInfo error(String id, ExpertGroup group, String summary) {
        return new ExpertInfo(id, Severity.ERROR, group, summary);
    }
}
