package dev.cellscope.session;

/** A packet source could not be opened; the message names the source and what to do. */
public final class SourceException extends Exception {
    public SourceException(String message) {
        super(message);
    }
}
