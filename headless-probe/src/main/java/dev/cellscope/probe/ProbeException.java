package dev.cellscope.probe;

/**
 * A failure of the probe a user can act on (an output that cannot be written, a user that does not
 * exist, a port in use): its message is one line naming the thing and the reason. The command
 * turns it into its error line and exit code.
 */
public final class ProbeException extends RuntimeException {
    public ProbeException(String message) {
        super(message);
    }

    /** The operating system's reason for an I/O failure, without Java's restatement of the path. */
    static String reason(java.io.IOException e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) m = f.getReason();
        else if (e instanceof java.nio.file.AccessDeniedException) m = "Permission denied"; // its message is only the path
        else if (e instanceof java.nio.file.NoSuchFileException) m = "No such file or directory"; // the same (user review: "cannot reopen: PATH")
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
