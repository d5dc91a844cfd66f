package dev.cellscope.expert;

/** Expert group (PROTOCOLS.md section 5); {@code expert.group} values are the ordinals. */
public enum ExpertGroup {
    CHECKSUM, SEQUENCE, PROTOCOL, MALFORMED, SECURITY, CREDIT;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
