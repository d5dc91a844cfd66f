package dev.cellscope.cli;

import dev.cellscope.cli.errors.UserError;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * Standard output, the one place it is wrapped for every command. A closed pipe (the reader went
 * away, e.g. {@code | head}: EPIPE, which the JVM gets instead of SIGPIPE) ends the command
 * quietly as {@link ClosedOutput}; any other write error (a full disk, /dev/full, an I/O error)
 * is a failure: one line naming the reason, exit 1. {@link #stdout()} writers throw at once;
 * {@link System#out}, a {@link PrintStream} that swallows errors, is installed over the same
 * stream by {@link #install()}, which remembers the error for {@link #failure()}.
 */
final class Console {
    private Console() {}

    /** The process reading our output has gone (e.g. {@code | head}). */
    static final class ClosedOutput extends RuntimeException {
        ClosedOutput(IOException cause) {
            super(cause);
        }
    }

    /** Where standard output goes; tests that run commands in-process point it elsewhere. */
    private static volatile OutputStream target;

    private static final Checked STDOUT = new Checked(new FileOutputStream(FileDescriptor.out));

    static Writer stdout() {
        OutputStream out = target != null ? target : STDOUT;
        return guard(new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16));
    }

    /**
     * Standard output for bytes (a capture written with {@code -w -}), through the same checked stream as the text;
     * closing it only flushes, so that fd 1 stays open for whatever is written after.
     */
    static OutputStream binaryStdout() {
        OutputStream out = target != null ? target : STDOUT;
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                out.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void flush() throws IOException {
                out.flush();
            }

            @Override
            public void close() throws IOException {
                out.flush();
            }
        };
    }

    /** Makes {@link System#out} write through the checked standard output (for commands that print with it). */
    static void install() {
        System.setOut(new PrintStream(new BufferedOutputStream(STDOUT, 1 << 13), true, StandardCharsets.UTF_8));
    }

    /**
     * After a command: the error line for a write to standard output that failed for another
     * reason than a closed pipe, or null. Flushes {@link System#out} first.
     */
    static String failure() {
        System.out.flush();
        IOException e = STDOUT.error;
        return e == null || closedPipe(e) || reported ? null : "standard output: cannot write: " + OutputFile.reason(e);
    }

    /** Sends what {@link #stdout()} writes to {@code out} (null: the real standard output again). */
    static void redirect(OutputStream out) {
        target = out;
    }

    /** EPIPE: the JVM ignores SIGPIPE, so a write to a pipe nobody reads fails with "Broken pipe". */
    static boolean closedPipe(IOException e) {
        return e.getMessage() != null && e.getMessage().contains("Broken pipe");
    }

    /** Set once a failed write has been reported as a {@link UserError}: {@link #failure()} does not repeat it. */
    private static volatile boolean reported;

    /** What a failed write to standard output becomes: quiet end, or the user's error line. */
    static RuntimeException writeFailed(IOException e) {
        if (closedPipe(e)) return new ClosedOutput(e);
        reported = true;
        return UserError.failure("standard output: cannot write: " + OutputFile.reason(e));
    }

    /** Standard output that remembers its first error (a PrintStream over it would swallow it). */
    private static final class Checked extends OutputStream {
        private final OutputStream out;
        volatile IOException error;

        Checked(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            try {
                out.write(b);
            } catch (IOException e) {
                throw remember(e);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            try {
                out.write(b, off, len);
            } catch (IOException e) {
                throw remember(e);
            }
        }

        @Override
        public void flush() throws IOException {
            try {
                out.flush();
            } catch (IOException e) {
                throw remember(e);
            }
        }

        private IOException remember(IOException e) {
            if (error == null) error = e;
            return e;
        }
    }

    /** Wraps a writer so that failures to write surface as {@link ClosedOutput} or a {@link UserError}. */
    static Writer guard(Writer w) {
        return new Writer() {
            @Override
            public void write(char[] buf, int off, int len) {
                try {
                    w.write(buf, off, len);
                } catch (IOException e) {
                    throw writeFailed(e);
                }
            }

            @Override
            public Writer append(CharSequence csq) {
                try {
                    w.append(csq);
                } catch (IOException e) {
                    throw writeFailed(e);
                }
                return this;
            }

            @Override
            public void flush() {
                try {
                    w.flush();
                } catch (IOException e) {
                    throw writeFailed(e);
                }
            }

            @Override
            public void close() {
                try {
                    w.close();
                } catch (IOException e) {
                    throw writeFailed(e);
                }
            }
        };
    }
}
