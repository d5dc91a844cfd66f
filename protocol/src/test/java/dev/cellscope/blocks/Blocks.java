package dev.cellscope.blocks;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;

/** Test data and independent compressors for {@link BlockCodec} tests. */
final class Blocks {
    private Blocks() {}

    private static final String[] WORDS = {
            "block", "hash", "frame", "stream", "the", "of", "and", "zstd", "deflate", "peer",
            "capture", "packet", "window", "credit", "sequence", "tether", "utcp", "sbi", "a", "to",
            "is", "in", "data", "chunk", "index", "verified", "root", "node", "ack", "nack"};

    /** Text-like bytes (words, numbers, punctuation, newlines), deterministic for a seed. */
    static byte[] text(int size, long seed) {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder(size + 32);
        while (sb.length() < size) {
            int k = r.nextInt(10);
            if (k == 0) sb.append(r.nextInt(100_000));
            else sb.append(WORDS[r.nextInt(WORDS.length)]);
            sb.append(k == 1 ? ", " : k == 2 ? ".\n" : " ");
        }
        return Arrays.copyOf(sb.toString().getBytes(java.nio.charset.StandardCharsets.US_ASCII), size);
    }

    static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    static byte[] zstd(byte[] data, int level) {
        return Zstd.compress(data, level);
    }

    /** A zstd frame without Frame_Content_Size (streaming compressor). */
    static byte[] zstdStreaming(byte[] data, int level) {
        return zstdStreaming(data, level, false);
    }

    /** A zstd frame without Frame_Content_Size, with or without the content checksum. */
    static byte[] zstdStreaming(byte[] data, int level, boolean checksum) {
        try {
            ByteArrayOutputStream bos = new ByteArrayOutputStream();
            try (ZstdOutputStream z = new ZstdOutputStream(bos, level)) {
                z.setChecksum(checksum);
                z.write(data);
            }
            return bos.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** zlib-wrapped deflate (RFC 1950). */
    static byte[] zlib(byte[] data, int level) {
        return deflate(data, level, false);
    }

    /** Raw deflate (RFC 1951), no zlib header: must be rejected. */
    static byte[] rawDeflate(byte[] data, int level) {
        return deflate(data, level, true);
    }

    private static byte[] deflate(byte[] data, int level, boolean nowrap) {
        Deflater d = new Deflater(level, nowrap);
        try {
            d.setInput(data);
            d.finish();
            ByteArrayOutputStream bos = new ByteArrayOutputStream(data.length / 2 + 64);
            byte[] buf = new byte[64 * 1024];
            while (!d.finished()) bos.write(buf, 0, d.deflate(buf));
            return bos.toByteArray();
        } finally {
            d.end();
        }
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        for (byte[] p : parts) bos.writeBytes(p);
        return bos.toByteArray();
    }

    /** A zstd skippable frame (magic 0x184D2A5x) with {@code n} payload bytes. */
    static byte[] skippable(int n) {
        byte[] b = new byte[8 + n];
        b[0] = 0x53; b[1] = 0x2A; b[2] = 0x4D; b[3] = 0x18;
        b[4] = (byte) n; b[5] = (byte) (n >>> 8); b[6] = (byte) (n >>> 16); b[7] = (byte) (n >>> 24);
        Arrays.fill(b, 8, b.length, (byte) 0x5A);
        return b;
    }

    // ---- external producers ----------------------------------------------------------------

    static boolean onPath(String exe) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, exe))) return true;
        }
        return false;
    }

    /**
     * Runs {@code command} (which names {@code in} and {@code out} as "{in}" and "{out}") on
     * {@code data}; returns the output file's bytes.
     */
    static byte[] run(byte[] data, String... command) {
        try {
            Path dir = Files.createTempDirectory("blockverifier");
            Path in = dir.resolve("in.bin");
            Path out = dir.resolve("out.bin");
            Files.write(in, data);
            List<String> cmd = new ArrayList<>();
            for (String c : command) cmd.add(c.replace("{in}", in.toString()).replace("{out}", out.toString()));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(dir.resolve("log.txt").toFile()).start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("timed out: " + cmd);
            }
            if (p.exitValue() != 0) {
                throw new AssertionError(cmd + " exited " + p.exitValue() + ": " + Files.readString(dir.resolve("log.txt")));
            }
            byte[] result = Files.readAllBytes(out);
            for (Path f : new Path[] {in, out, dir.resolve("log.txt")}) Files.deleteIfExists(f);
            Files.deleteIfExists(dir);
            return result;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    static final String PY_ZLIB = "import zlib,sys; d=open(sys.argv[1],'rb').read(); "
            + "open(sys.argv[2],'wb').write(zlib.compress(d, int(sys.argv[3])))";

    static byte[] pythonZlib(byte[] data, int level) {
        return run(data, "python3", "-c", PY_ZLIB, "{in}", "{out}", Integer.toString(level));
    }

    static boolean pythonZlibAvailable() {
        if (!onPath("python3")) return false;
        try {
            Process p = new ProcessBuilder("python3", "-c", "import zlib").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
