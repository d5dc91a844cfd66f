package dev.cellscope.cli;

/** A failure the user can act on: shown as one line, with an exit code. */
public final class UserError extends RuntimeException {
    private final int exitCode;

    public UserError(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public static UserError usage(String message) {
        return new UserError(message, Main.EXIT_USAGE);
    }

    public static UserError failure(String message) {
        return new UserError(message, Main.EXIT_FAILURE);
    }

    public int exitCode() {
        return exitCode;
    }
}
