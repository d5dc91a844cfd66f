package dev.cellscope.expert;

/** Expert severity, ordered as in PROTOCOLS.md section 5 (filters compare them). */
public enum Severity {
    CHAT, NOTE, WARN, ERROR;

    /** The name used in fields and output: chat, note, warn, error. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
