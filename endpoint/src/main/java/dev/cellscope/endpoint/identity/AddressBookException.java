package dev.cellscope.endpoint.identity;

import java.io.IOException;

/** A bad address book: the message starts with {@code file:line:} and says what was wrong. */
public final class AddressBookException extends IOException {
    private final int line;

    public AddressBookException(String source, int line, String problem) {
        super(source + ":" + line + ": " + problem);
        this.line = line;
    }

    /** 1-based line of the problem (0 when it concerns the whole file). */
    public int line() {
        return line;
    }
}
