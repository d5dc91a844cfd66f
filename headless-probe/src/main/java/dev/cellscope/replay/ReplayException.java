package dev.cellscope.replay;

/** A replay cannot go on: the message is one line for the user (the interface went down, the capture is unreadable). */
public final class ReplayException extends RuntimeException {
    public ReplayException(String message) {
        super(message);
    }
}
