package dev.cellscope.cli.endpoint;

import dev.cellscope.cli.errors.UserError;
import dev.cellscope.endpoint.store.DurableFiles;
import dev.cellscope.endpoint.tether.FlowContent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The file {@code tether-recv -o} writes: checked before any flow is accepted, then written
 * durably (a hidden file beside it, fsync, rename, fsync of the directory) before the flow is
 * confirmed. Created with the process's umask, like any file a command writes (not 0600).
 */
final class OutputFile {
    private final Path target, tmp;

    OutputFile(Path out) {
        this.target = out.toAbsolutePath();
        this.tmp = target.getParent().resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + ".part");
    }

    /** Fails (exit 1, one line) unless {@code out} can be written: its directory exists and takes a new file, and it is not a directory. */
    static void check(Path out) {
        Path abs = out.toAbsolutePath();
        Path dir = abs.getParent();
        if (Files.isDirectory(abs)) throw UserError.failure("-o " + out + ": is a directory; -o names the file to write");
        if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(abs)) {
            throw UserError.failure("-o " + out + ": exists and is not a regular file");
        }
        if (dir == null || !Files.isDirectory(dir)) throw UserError.failure("-o " + out + ": directory " + dir + " does not exist");
        Path probe = dir.resolve("." + abs.getFileName() + "." + ProcessHandle.current().pid() + ".probe");
        try {
            Files.newByteChannel(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE).close();
            Files.delete(probe);
        } catch (IOException e) {
            // the system's reason, not the name of the probe file it was about (user review: "NoSuchFileException: /proc/.x.bin.10253.probe")
            String why = e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
                    : e instanceof java.nio.file.NoSuchFileException ? "the file system does not take new files there" : String.valueOf(e.getMessage());
            throw UserError.failure("-o " + out + ": cannot create a file in " + dir + " (" + why + ")");
        }
    }

    /** Writes {@code data} and moves it into place; on failure nothing is left behind and the message says why. */
    synchronized void write(FlowContent data) {
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                data.writeTo(ch);
                ch.force(true); // the content is on disk before the rename can make it visible
            }
            DurableFiles.moveIntoPlace(tmp, target);
        } catch (IOException e) {
            abandon();
            throw new UncheckedIOException(target + ": cannot write: " + e.getMessage(), e);
        }
    }

    /** Removes a half-written file (on failure, or when the process is stopped mid-write). */
    void abandon() {
        try {
            Files.deleteIfExists(tmp);
        } catch (IOException ignored) {
            // best effort: the name is hidden and ours
        }
    }
}
