package dev.cellscope.expert;

/** One expert finding: what was wrong or notable, how bad, and in which area. */
public record Expert(Severity severity, ExpertGroup group, String message) {

    public static Expert error(ExpertGroup group, String message) {
        return new Expert(Severity.ERROR, group, message);
    }

    public static Expert warn(ExpertGroup group, String message) {
        return new Expert(Severity.WARN, group, message);
    }

    public static Expert note(ExpertGroup group, String message) {
        return new Expert(Severity.NOTE, group, message);
    }

    public static Expert chat(ExpertGroup group, String message) {
        return new Expert(Severity.CHAT, group, message);
    }

    @Override
    public String toString() {
        return "[" + severity.label() + "/" + group.label() + "] " + message;
    }
}
