package dev.cellscope.expert;

import java.util.Objects;

/** One expert finding: its declared kind (what, how bad, which area) and the message for this occurrence. */
public record Expert(ExpertInfo kind, String message) {

    public Expert {
        Objects.requireNonNull(kind, "kind");
    }

    /** The kind's id, e.g. {@code utcp.gap}. */
    public String id() {
        return kind.id();
    }

    public Severity severity() {
        return kind.severity();
    }

    public ExpertGroup group() {
        return kind.group();
    }

    @Override
    public String toString() {
        return "[" + severity().label() + "/" + group().label() + "] " + message;
    }
}
