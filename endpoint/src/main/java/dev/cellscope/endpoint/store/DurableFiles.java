package dev.cellscope.endpoint.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** The last step of writing a user's file durably, shared by {@code get -o} and {@code tether-recv -o}. */
public final class DurableFiles {
    private DurableFiles() {}

    /**
     * Renames {@code part} (already written and forced) onto {@code dest}, replacing it, then forces the directory so
     * that the rename survives a crash too. A file system that cannot sync a directory is not an error: the data
     * itself is synced, and the file is in place by then.
     */
    public static void moveIntoPlace(Path part, Path dest) throws IOException {
        Files.move(part, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel d = FileChannel.open(dest.toAbsolutePath().getParent(), StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException ignored) {
            // see above
        }
    }
}
