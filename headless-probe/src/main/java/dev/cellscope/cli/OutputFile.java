package dev.cellscope.cli;

import dev.cellscope.cli.errors.UserError;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * A file a command writes (-w, --flows, plot -o, samples generate -o), made safe the way mature
 * tools make it: it may not be the capture being read (same file, through a symbolic or hard link
 * too), and it is written under a hidden temporary name in the same directory and renamed over
 * the target only by {@link #commit()}. A run that fails leaves no partial file and the file
 * that was there before untouched. A target that exists and is not a regular file (/dev/null,
 * /dev/full, a FIFO) is written directly: it cannot be replaced, and is not the user's data.
 *
 * <p>A live capture's copy ({@code read -i IF -w FILE}) is the exception, made by {@link #inPlace}:
 * it has no end to wait for, so it is written under its own name from the start, as dumpcap's is,
 * and whatever reached the file survives a full disk or a {@code kill -9} (docs/DECISIONS.md).
 */
final class OutputFile implements AutoCloseable {
    private final Path shown, target, path;
    private boolean committed;

    private OutputFile(Path shown, Path target, Path path) {
        this.shown = shown;
        this.target = target;
        this.path = path;
    }

    /** {@code -w -}: standard output, as tshark and tcpdump read it. */
    static final String STDOUT = "-";

    /** Whether {@code out} names standard output ({@code -}). */
    static boolean isStdout(Path out) {
        return out != null && STDOUT.equals(out.toString());
    }

    /**
     * Checks {@code out} before anything is read: a usage error when it is one of {@code inputs}
     * (tshark refuses that too; writing would truncate the file being read), a failure when it is a
     * directory or its directory does not exist.
     */
    static OutputFile of(Path out, String option, Path... inputs) {
        return of(out, option, true, inputs);
    }

    /**
     * As {@link #of(Path, String, Path...)}; {@code removeAtExit} false for the many files of a
     * long run (the probe's flow records), which the JVM's exit list would otherwise keep a name of
     * for ever: their temporary file is removed by {@link #close()} alone.
     */
    static OutputFile of(Path out, String option, boolean removeAtExit, Path... inputs) {
        // Standard output: written as it comes (nothing to rename), and never a file named "-".
        if (isStdout(out)) return new OutputFile(out, null, null);
        for (Path in : inputs) {
            if (in != null && sameFile(out, in)) {
                throw UserError.usage(option + " " + out + ": is the capture being read (-r " + in + "); write to another file");
            }
        }
        if (Files.isDirectory(out)) throw UserError.failure(out + ": is a directory");
        if (Files.exists(out) && !Files.isRegularFile(out)) return new OutputFile(out, null, out);
        try {
            // A symbolic link stays a link: the file it points to is the one replaced.
            Path target = Files.exists(out) ? out.toRealPath() : out.toAbsolutePath();
            Path dir = target.getParent();
            if (dir == null || !Files.isDirectory(dir)) throw UserError.failure(out + ": no such directory " + dir);
            Path tmp = dir.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
            if (removeAtExit) tmp.toFile().deleteOnExit(); // also when interrupted (Ctrl-C runs the shutdown hooks); gone once renamed
            return new OutputFile(out, target, tmp);
        } catch (IOException e) {
            throw UserError.failure(out + ": cannot write: " + reason(e));
        }
    }

    /**
     * A file written under its own name from the first block (a live capture's copy): nothing to
     * rename, and {@link #close()} leaves it as it is. Checked as {@link #of} checks: a directory, or
     * a directory that does not exist, fails before the capture starts.
     */
    static OutputFile inPlace(Path out, String option) {
        if (isStdout(out)) return new OutputFile(out, null, null);
        if (Files.isDirectory(out)) throw UserError.failure(out + ": is a directory");
        Path dir = out.toAbsolutePath().getParent();
        if (dir == null || !Files.isDirectory(dir)) throw UserError.failure(out + ": no such directory " + dir);
        return new OutputFile(out, null, out);
    }

    /** Whether two paths name the same file (device and inode): links of either kind included. */
    static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b);
        } catch (IOException e) {
            return false; // one of them cannot be examined: it cannot be the other one either
        }
    }

    /** Where to write now: the temporary file (or the device itself). */
    Path path() {
        return path;
    }

    /** Opens {@link #path()} for writing; a failure is the user's error line naming the file. */
    OutputStream open() {
        if (path == null) return Console.binaryStdout();
        try {
            return Files.newOutputStream(path, openOptions());
        } catch (IOException e) {
            throw cannotWrite(e);
        }
    }

    /** How {@link #path()} is opened: a temporary file is new; a file written in place is created or truncated. */
    OpenOption[] openOptions() {
        return target == null
                ? new OpenOption[] {StandardOpenOption.WRITE, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING}
                : new OpenOption[] {StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE};
    }

    /** The name the user gave. */
    Path shown() {
        return shown;
    }

    /**
     * The error a failed write of this file is reported as: one line, file name and reason; on standard output, a
     * closed pipe ({@code | head}) ends the command quietly, as for text output.
     */
    RuntimeException cannotWrite(IOException e) {
        if (path == null) return Console.writeFailed(e);
        return UserError.failure(shown + ": cannot write: " + reason(e));
    }

    /** Writes {@code text} (UTF-8) as the whole file and puts it in place: a report made once the work is done. */
    void writeText(String text) {
        try (OutputStream o = open()) {
            o.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw cannotWrite(e);
        }
        commit();
    }

    /** Puts the finished file in place (keeping the permissions of the file it replaces). */
    void commit() {
        if (committed) return;
        committed = true;
        if (target == null) return;
        try {
            if (Files.exists(target)) {
                try {
                    Files.setPosixFilePermissions(path, Files.getPosixFilePermissions(target, LinkOption.NOFOLLOW_LINKS));
                } catch (UnsupportedOperationException | IOException ignored) {
                    // best effort: a file system without POSIX permissions keeps the new file's
                }
            }
            try {
                Files.move(path, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(path, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            committed = false;
            throw cannotWrite(e);
        }
    }

    /** Without a {@link #commit()}, removes the temporary file: the target is as it was. */
    @Override
    public void close() {
        if (committed || target == null) return;
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // best effort: the temporary file is hidden and named as ours
        }
    }

    /** The operating system's reason, without Java's restatement of the path. */
    static String reason(IOException e) {
        String m = e.getMessage();
        if (e instanceof java.nio.file.FileSystemException f && f.getReason() != null) m = f.getReason();
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
