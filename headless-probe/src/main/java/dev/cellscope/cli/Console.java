package dev.cellscope.cli;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/** Buffered standard output that turns a closed pipe into {@link ClosedOutput}. */
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

    static Writer stdout() {
        OutputStream out = target != null ? target : new FileOutputStream(FileDescriptor.out);
        return guard(new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16));
    }

    /** Sends what {@link #stdout()} writes to {@code out} (null: the real standard output again). */
    static void redirect(OutputStream out) {
        target = out;
    }

    /** Wraps a writer so that failures to write surface as {@link ClosedOutput}. */
    static Writer guard(Writer w) {
        return new Writer() {
            @Override
            public void write(char[] buf, int off, int len) {
                try {
                    w.write(buf, off, len);
                } catch (IOException e) {
                    throw new ClosedOutput(e);
                }
            }

            @Override
            public Writer append(CharSequence csq) {
                try {
                    w.append(csq);
                } catch (IOException e) {
                    throw new ClosedOutput(e);
                }
                return this;
            }

            @Override
            public void flush() {
                try {
                    w.flush();
                } catch (IOException e) {
                    throw new ClosedOutput(e);
                }
            }

            @Override
            public void close() {
                try {
                    w.close();
                } catch (IOException e) {
                    throw new ClosedOutput(e);
                }
            }
        };
    }
}
