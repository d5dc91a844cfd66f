package dev.cellscope.crypto;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;

/**
 * Runs the {@code b3sum} command-line tool (the official Rust BLAKE3 implementation), an
 * implementation independent of BouncyCastle, to produce expected hashes at test time.
 */
final class B3sum {
    private B3sum() {}

    static final Path EXE = Path.of("/usr/bin/b3sum");

    static boolean present() {
        return Files.isExecutable(EXE);
    }

    /** b3sum of the given bytes fed on stdin, as 32 raw bytes. */
    static byte[] of(byte[] input) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(EXE.toString(), "--no-names").redirectErrorStream(true).start();
        try (OutputStream os = p.getOutputStream()) {
            os.write(input);
        }
        return parse(p);
    }

    /** Runs a shell pipeline (with env CLD set) whose output is a b3sum line. */
    static byte[] shell(String script, String cld) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("sh", "-c", script).redirectErrorStream(true);
        pb.environment().put("CLD", cld);
        Process p = pb.start();
        p.getOutputStream().close();
        return parse(p);
    }

    private static byte[] parse(Process p) throws IOException, InterruptedException {
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("b3sum failed: " + out);
        }
        return HexFormat.of().parseHex(out.substring(0, 64));
    }
}
