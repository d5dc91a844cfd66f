package dev.cellscope.expert;

/** Expert group (PROTOCOLS.md section 5); ordinals match {@code ExpertFields.GROUPS}. */
public enum ExpertGroup {
    CHECKSUM, SEQUENCE, PROTOCOL, MALFORMED, SECURITY, CREDIT;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
