package dev.cellscope.session;

import dev.cellscope.io.CaptureFormatException;
import dev.cellscope.io.CaptureReader;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** A capture file (pcap or pcapng) as a session's source: re-openable for two passes. */
public record FileSource(Path file) implements SourceOpener {

    @Override
    public CaptureReader open() throws SourceException {
        if (Files.isDirectory(file)) throw new SourceException(file + ": is a directory, not a capture file");
        try {
            return CaptureReader.open(file);
        } catch (NoSuchFileException e) {
            throw new SourceException(file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new SourceException(file + ": permission denied");
        } catch (CaptureFormatException e) {
            throw new SourceException(e.getMessage()); // it names the file already
        } catch (IOException e) {
            throw new SourceException(file + ": cannot read: " + e.getMessage());
        }
    }

    @Override
    public boolean reopenable() {
        return true;
    }

    @Override
    public String name() {
        return file.toString();
    }
}
