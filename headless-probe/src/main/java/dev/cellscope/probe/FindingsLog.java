package dev.cellscope.probe;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The findings file ({@code --findings}): JSON lines appended, one object per finding, the way
 * Suricata's eve.json and Zeek's notice.log are consumed ({@code tail -f}, log shippers). A batch
 * (the findings of one frame) is written in one unbuffered append, so a reader never sees half a
 * line; {@link #reopen()} (SIGHUP) closes the file and opens its path again, which after a
 * rotation ({@code mv findings.json findings.json.1; kill -HUP}) makes a new file.
 *
 * <p>After the probe started, a failed write does not stop it: the batch is counted as an output
 * error, said once on stderr, and the next batch tries again. A write cut short (a full disk takes
 * what fits, then fails) is undone: the file is truncated back to its size before the append, so
 * it keeps ending in a whole line and the next batch does not glue onto half a finding.
 */
final class FindingsLog implements AutoCloseable {
    private final Path path;
    private final ProbeMetrics metrics;
    private FileChannel out;
    private boolean failing;

    /**
     * Opens (creating or appending to) {@code path}; a failure is the user's error, worded as --flows' and
     * --ring's: {@code as} is "" or " (as user NAME)" after -Z, said before the reason.
     */
    FindingsLog(Path path, ProbeMetrics metrics, String as) {
        this.path = path;
        this.metrics = metrics;
        try {
            out = open();
        } catch (IOException e) {
            throw new ProbeException("--findings " + path + ": cannot write" + as + ": " + ProbeException.reason(e));
        }
    }

    private FileChannel open() throws IOException {
        return FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
    }

    /** Appends whole lines (each ending in a newline). */
    synchronized void write(CharSequence lines) {
        if (lines.isEmpty()) return;
        try {
            if (out == null) out = open();
            append(ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.UTF_8)));
            if (failing) System.err.println("cellscope: --findings " + path + ": writing again");
            failing = false;
        } catch (IOException e) {
            metrics.outputError();
            if (!failing) System.err.println("cellscope: --findings " + path + ": cannot write: " + ProbeException.reason(e) + " (findings are lost until it can)");
            failing = true;
            closeQuietly();
        }
    }

    /** Appends all of {@code bytes}, or, when a write fails, cuts off what of them reached the file. */
    private void append(ByteBuffer bytes) throws IOException {
        long before = out.size();
        try {
            while (bytes.hasRemaining()) out.write(bytes);
        } catch (IOException e) {
            try {
                if (out.size() > before) out.truncate(before);
            } catch (IOException cut) {
                e.addSuppressed(cut);
            }
            throw e;
        }
    }

    /** Log rotation: close the file and open its path again (a new file when it was moved away). */
    synchronized void reopen() {
        closeQuietly();
        try {
            out = open();
        } catch (IOException e) {
            metrics.outputError();
            System.err.println("cellscope: --findings " + path + ": cannot reopen: " + ProbeException.reason(e));
        }
    }

    private void closeQuietly() {
        try {
            if (out != null) out.close();
        } catch (IOException ignored) {
            // the lines were written by write(2) already; nothing is buffered here
        }
        out = null;
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }
}
