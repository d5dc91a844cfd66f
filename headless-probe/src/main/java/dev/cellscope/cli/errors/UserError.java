package dev.cellscope.cli.errors;

/**
 * A failure the user can act on: shown as one line, with an exit code. In a package of its own
 * so that every command package (capture commands, endpoint commands) can raise it without
 * depending on the one that registers the commands.
 */
public final class UserError extends RuntimeException {
    private final int exitCode;

    /** Exit codes: 1 runtime failure (unreadable or damaged file), 2 usage error. */
    public static final int EXIT_FAILURE = 1, EXIT_USAGE = 2;

    public UserError(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    public static UserError usage(String message) {
        return new UserError(message, EXIT_USAGE);
    }

    public static UserError failure(String message) {
        return new UserError(message, EXIT_FAILURE);
    }

    /**
     * {@code file} as an input the command reads whole: one line for what it is instead (missing, a directory,
     * a device or pipe), so that a directory given by mistake is not called missing.
     */
    public static void requireRegularFile(java.nio.file.Path file) {
        if (java.nio.file.Files.isRegularFile(file)) return;
        if (java.nio.file.Files.isDirectory(file)) throw failure(file + ": is a directory, not a file");
        if (java.nio.file.Files.exists(file)) throw failure(file + ": not a regular file");
        throw failure(file + ": no such file");
    }

    public int exitCode() {
        return exitCode;
    }
}
