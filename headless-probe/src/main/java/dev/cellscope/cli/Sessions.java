package dev.cellscope.cli;

import dev.cellscope.cli.errors.UserError;
import dev.cellscope.live.LiveCapture;
import dev.cellscope.session.CaptureSession;
import dev.cellscope.session.FileSource;
import dev.cellscope.session.FrameConsumer;
import dev.cellscope.session.SessionOptions;
import dev.cellscope.session.SessionResult;
import dev.cellscope.session.SourceException;
import dev.cellscope.session.SourceOpener;
import dev.cellscope.session.StreamSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** What the capture commands share around a {@link CaptureSession}: errors a user can act on. */
final class Sessions {
    private Sessions() {}

    /**
     * A session over {@code -r FILE}: a capture file, or a stream as tshark reads them: "-" for standard input, a FIFO, a
     * gzip-compressed file (copied, decompressed, to a temporary file first: see {@link StreamSource}).
     */
    static CaptureSession of(Path file, SessionOptions options) {
        return new CaptureSession(opener(file), options);
    }

    /** The source of {@code -r FILE}: the file, or a stream or .gz copied to a temporary file ({@link StreamSource}). */
    static SourceOpener opener(Path file) {
        // a .gz is read as a stream is: decompressed to a temporary copy (StreamSource)
        return StreamSource.isStream(file) || StreamSource.isGzip(file) ? stream(file) : new FileSource(file);
    }

    /**
     * A session over a live interface ({@code -i}): the same pipeline, outputs and analysis as a file.
     * Two passes are refused before this (a live interface cannot be read again).
     */
    static CaptureSession live(LiveCapture capture, SessionOptions options) {
        return new CaptureSession(capture, options);
    }

    private static StreamSource stream(Path file) {
        return file.toString().equals("-") ? StreamSource.stdin() : StreamSource.of(file);
    }

    /** What to call {@code -r FILE} in messages. */
    static String name(Path file) {
        return file.toString().equals("-") ? "standard input" : file.toString();
    }

    /** Runs the session; a source that cannot be opened, or an output that fails, is the user's error line. */
    static SessionResult run(CaptureSession session, FrameConsumer... consumers) {
        try {
            return session.run(consumers);
        } catch (SourceException e) {
            throw UserError.failure(e.getMessage());
        }
    }

    /** A damaged capture still yields what came before the damage; then the command fails saying where. */
    static void failIfDamaged(Path file, SessionResult result, String before, String after) {
        failIfDamaged(name(file), result, before, after);
    }

    /** As above for a source known by name (a live interface that went down or away). */
    static void failIfDamaged(String source, SessionResult result, String before, String after) {
        result.damage().ifPresent(d -> {
            throw UserError.failure(source + ": " + d.message() + "; " + before + result.frames() + " " + after);
        });
    }

    interface IoAction {
        void run() throws IOException;
    }

    /** Consumers cannot throw checked exceptions: an I/O failure travels as {@link UncheckedIOException}. */
    static void unchecked(IoAction action) {
        try {
            action.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
