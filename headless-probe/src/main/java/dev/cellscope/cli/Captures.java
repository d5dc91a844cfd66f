package dev.cellscope.cli;

import dev.cellscope.io.CaptureFormatException;
import dev.cellscope.io.CaptureReader;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Opens capture files with errors a user can act on. */
final class Captures {
    private Captures() {}

    static CaptureReader open(Path file) {
        if (Files.isDirectory(file)) throw UserError.failure(file + ": is a directory, not a capture file");
        try {
            return CaptureReader.open(file);
        } catch (NoSuchFileException e) {
            throw UserError.failure(file + ": no such file");
        } catch (AccessDeniedException e) {
            throw UserError.failure(file + ": permission denied");
        } catch (CaptureFormatException e) {
            throw UserError.failure(file + ": " + e.getMessage());
        } catch (IOException e) {
            throw UserError.failure(file + ": cannot read: " + e.getMessage());
        }
    }
}
