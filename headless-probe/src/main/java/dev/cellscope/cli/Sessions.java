package dev.cellscope.cli;

import dev.cellscope.cli.errors.UserError;
import dev.cellscope.session.CaptureSession;
import dev.cellscope.session.FileSource;
import dev.cellscope.session.FrameConsumer;
import dev.cellscope.session.SessionOptions;
import dev.cellscope.session.SessionResult;
import dev.cellscope.session.SourceException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/** What the capture commands share around a {@link CaptureSession}: errors a user can act on. */
final class Sessions {
    private Sessions() {}

    static CaptureSession of(Path file, SessionOptions options) {
        return new CaptureSession(new FileSource(file), options);
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
        result.damage().ifPresent(d -> {
            throw UserError.failure(file + ": " + d.message() + "; " + before + result.frames() + " " + after);
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
