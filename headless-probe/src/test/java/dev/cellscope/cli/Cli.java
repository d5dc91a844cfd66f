package dev.cellscope.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real command in a child JVM, as a user would, and captures what it prints. */
final class Cli {
    private Cli() {}

    record Result(int exit, String out, String err) {
        List<String> lines() {
            return out.isEmpty() ? List.of() : List.of(out.split("\n"));
        }
    }

    static Result run(String... args) throws IOException, InterruptedException {
        return run(null, args);
    }

    /** Runs {@code java ... Main args}, with {@code stdin} as standard input when given. */
    static Result run(Path stdin, String... args) throws IOException, InterruptedException {
        return run(stdin, null, args);
    }

    /** Runs the command with standard output sent to {@code stdout} (e.g. /dev/full); out() is then empty. */
    static Result runWithStdout(Path stdout, String... args) throws IOException, InterruptedException {
        return run(null, stdout, args);
    }

    static List<String> command(String... args) {
        return command(List.of(), args);
    }

    /** The command with JVM options of its own (a heap cap, GC flags) before the main class. */
    static List<String> command(List<String> jvmOptions, String... args) {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED"));
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static Result run(Path stdin, Path stdout, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile("cellscope-out", ".txt"), err = Files.createTempFile("cellscope-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(command(args)).redirectOutput((stdout != null ? stdout : out).toFile())
                    .redirectError(err.toFile());
            if (stdin != null) pb.redirectInput(stdin.toFile());
            Process p = pb.start();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("cellscope " + String.join(" ", args) + " did not finish in 120 s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /**
     * Runs the command with standard output a pipe that is closed at once, as {@code | head -0}
     * would: the command meets EPIPE on its first write that does not fit the pipe's buffer.
     */
    static Result runWithClosedPipe(String... args) throws IOException, InterruptedException {
        Path err = Files.createTempFile("cellscope-err", ".txt");
        try {
            Process p = new ProcessBuilder(command(args)).redirectError(err.toFile()).start();
            p.getInputStream().close();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("cellscope " + String.join(" ", args) + " did not finish in 120 s");
            }
            return new Result(p.exitValue(), "", Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** stderr without the BLAKE3 notice a machine without the native library adds. */
    static String errors(Result r) {
        return r.err().replaceAll("(?m)^cellscope: BLAKE3: [^\n]*\n", "");
    }

    /** Runs an external tool; null when it is not installed. */
    static Result tool(String... cmd) throws IOException, InterruptedException {
        try {
            Process p = new ProcessBuilder(cmd).start();
            String o = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String e = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(120, TimeUnit.SECONDS);
            return new Result(p.exitValue(), o, e);
        } catch (IOException notInstalled) {
            return null;
        }
    }
}
