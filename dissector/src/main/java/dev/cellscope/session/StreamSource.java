package dev.cellscope.session;

import dev.cellscope.io.CaptureFormatException;
import dev.cellscope.io.CaptureReader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A capture arriving on a pipe or standard input ({@code -r -}, {@code -r FIFO}), as tshark reads
 * them. The readers map their file, which a pipe cannot be, so the stream is first copied to a
 * temporary file (deleted by {@link #close()}, or at exit); that file is then read like any other
 * and can be read twice ({@code -2}). Output therefore starts once the stream has ended.
 */
public final class StreamSource implements SourceOpener, AutoCloseable {

    /** Opens the stream when the session first opens its source (a FIFO's open waits for a writer). */
    public interface StreamOpener {
        InputStream open() throws IOException;
    }

    private final StreamOpener in;
    /** What to call the stream in messages; " (gzip)" is added once the stream turns out to be gzip-compressed. */
    private String name;
    /** Whether the stream is gzip-compressed (known once copied): a cut or damaged one keeps what came before. */
    private boolean gzip;
    /** What was wrong with the gzip stream ("cut short"), null when it ended well: the capture's damage once read. */
    private String gzipProblem;
    private Path spool;
    /** The copy while it is being made: {@link #close()} from another thread (a stop signal) removes it too. */
    private volatile Path copying;

    /** @param name what to call the stream in messages ("standard input", the FIFO's path) */
    public StreamSource(StreamOpener in, String name) {
        this.in = in;
        this.name = name;
    }

    /** Standard input ({@code -r -}). */
    public static StreamSource stdin() {
        return new StreamSource(() -> System.in, "standard input");
    }

    /**
     * A FIFO or another file that is not a regular one (a character device, /dev/stdin), or a gzip-compressed capture
     * ({@code .pcapng.gz}, as Wireshark and tshark read them). Any stream that starts with gzip's magic is decompressed
     * into the temporary copy, standard input too ({@code cat x.pcapng.gz | cellscope read -r -}). A gzip stream cut
     * short or damaged keeps what came before, and is then the capture's damage ({@link CutStreamReader}); a disk too
     * small for the copy is an error naming it.
     */
    public static StreamSource of(Path file) {
        return new StreamSource(() -> Files.newInputStream(file), file.toString());
    }

    /** Whether {@code file} is a regular file that starts with gzip's magic (1f 8b). */
    public static boolean isGzip(Path file) {
        if (!Files.isRegularFile(file)) return false;
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        } catch (IOException e) {
            return false; // reading it as a file says why
        }
    }

    /** Whether {@code file} must be read as a stream: "-" (standard input), or it exists and is not a regular file. */
    public static boolean isStream(Path file) {
        return file.toString().equals("-") || (Files.exists(file) && !Files.isRegularFile(file) && !Files.isDirectory(file));
    }

    @Override
    public CaptureReader open() throws SourceException {
        if (spool == null) spool = copy();
        try {
            CaptureReader reader = CaptureReader.open(spool);
            return gzipProblem == null ? reader : new CutStreamReader(reader, gzipProblem, spool.toFile().length());
        } catch (CaptureFormatException e) {
            // The reader names the temporary file; the user knows the stream by its own name.
            String m = e.getMessage();
            String prefix = spool + ": ";
            throw new SourceException(name + ": " + (m.startsWith(prefix) ? m.substring(prefix.length()) : m)
                    .replace("empty file, not a capture", "no data, not a capture"));
        } catch (IOException e) {
            throw new SourceException(name + ": cannot read: " + e.getMessage());
        }
    }

    /** The bytes the stream holds (decompressed): copies it now if it is not yet. */
    public long copiedSize() throws SourceException {
        if (spool == null) spool = copy();
        return spool.toFile().length();
    }

    private Path copy() throws SourceException {
        Path tmp;
        try {
            tmp = Files.createTempFile("cellscope-stream-", ".cap");
        } catch (IOException e) {
            throw new SourceException(name + ": cannot make a temporary copy to read: " + e.getMessage());
        }
        tmp.toFile().deleteOnExit();
        copying = tmp;
        try (InputStream stream = gunzipped(in.open())) {
            Files.copy(stream, tmp, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return tmp;
        } catch (java.io.EOFException | java.util.zip.ZipException e) {
            if (gzip && tmp.toFile().length() > 0) {
                // what was decompressed before the cut or the damage, which the capture then reports (tshark does)
                gzipProblem = e instanceof java.io.EOFException ? "cut short" : "damaged (" + e.getMessage() + ")";
                return tmp;
            }
            deleteQuietly(tmp);
            throw new SourceException(name + ": " + (e.getMessage() == null ? "cut short" : e.getMessage()) + ": nothing to read");
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new SourceException(name + ": cannot copy it to a temporary file in " + tmp.getParent()
                    + " to read it: " + e.getMessage());
        }
    }

    /** {@code raw}, decompressed when it starts with gzip's magic (1f 8b: no pcap or pcapng file does). */
    private InputStream gunzipped(InputStream raw) throws IOException {
        java.io.BufferedInputStream b = new java.io.BufferedInputStream(raw, 1 << 16);
        b.mark(2);
        gzip = b.read() == 0x1f && b.read() == 0x8b;
        b.reset();
        if (!gzip) return b;
        name += " (gzip)"; // before the header is read: a bad one is named so
        return new java.util.zip.GZIPInputStream(b, 1 << 16);
    }

    @Override
    public boolean reopenable() {
        return true; // the copy can be read again
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * Removes the temporary copy, also one still being made: a process that halts (the probe stopped while its stream
     * was still being copied) runs no deleteOnExit, and would leave it in the temporary directory.
     */
    @Override
    public void close() {
        Path p = copying;
        if (p != null) deleteQuietly(p);
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // deleteOnExit has it too
        }
    }
}
