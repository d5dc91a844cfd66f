package dev.cellscope.flow;

import java.util.Locale;

/** The three row kinds; the lowercase name is the CSV {@code kind} column and the CLI's {@code --kind}. */
public enum FlowKind {
    UTCP, TETHER, SBI;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
