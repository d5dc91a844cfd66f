package dev.cellscope.cli.endpoint;

import dev.cellscope.cli.Main;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real {@code cellscope} command in a child JVM, as a user runs it, optionally behind a
 * prefix such as {@code ip netns exec NS}; output goes to files so a long-running child (serve)
 * can be watched while it runs.
 */
final class Child implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path out, err;

    private Child(String name, Process process, Path out, Path err) {
        this.name = name;
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /**
     * Starts {@code prefix… java … Main args…}, with its output in {@code dir}. C1 only
     * ({@code TieredStopAtLevel=1}): on a 2-vCPU machine, two cold JVMs compiling with C2 starve the
     * sender's receive thread long enough (about 250 ms) that UTCP frees a packet by time before it
     * sees the NACK for it, and the transfer fails ("peer NACKed seq … already freed"). That is the
     * stack's to fix (see docs/ENDPOINT-CLI.md); these tests check the commands, not that race.
     */
    static Child start(Path dir, String name, List<String> prefix, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1",
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        return startRaw(dir, name, cmd);
    }

    /** Starts any command, output in {@code dir/NAME.out} and {@code .err}. */
    static Child startRaw(Path dir, String name, List<String> cmd) throws IOException {
        Path out = dir.resolve(name + ".out"), err = dir.resolve(name + ".err");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile())).start();
        return new Child(name, p, out, err);
    }

    /** Runs to the end (at most {@code seconds}) and returns the exit code. */
    int finish(long seconds) throws IOException, InterruptedException {
        if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(name + " did not finish in " + seconds + " s\n" + tail());
        }
        return process.exitValue();
    }

    /** Waits until stdout or stderr has a match of {@code regex}; returns group 1 (or the match). */
    String await(String regex, long seconds) throws IOException, InterruptedException {
        Pattern pattern = Pattern.compile(regex);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (System.nanoTime() < end) {
            Matcher m = pattern.matcher(out() + "\n" + err());
            if (m.find()) return m.groupCount() > 0 ? m.group(1) : m.group();
            if (!process.isAlive()) throw new AssertionError(name + " ended (exit " + process.exitValue() + ") before /" + regex + "/\n" + tail());
            Thread.sleep(20);
        }
        throw new AssertionError(name + " did not print /" + regex + "/ within " + seconds + " s\n" + tail());
    }

    long pid() {
        return process.pid();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Waits up to {@code millis} for the end; true if it ended. */
    boolean waitFor(long millis) throws InterruptedException {
        return process.waitFor(millis, TimeUnit.MILLISECONDS);
    }

    void signal(String sig) throws IOException, InterruptedException {
        new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).start().waitFor(5, TimeUnit.SECONDS);
    }

    String out() throws IOException {
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    String err() throws IOException {
        return Files.readString(err, StandardCharsets.UTF_8);
    }

    /** The end of both outputs, for failure messages. */
    String tail() throws IOException {
        return "--- " + name + " stdout:\n" + last(out(), 30) + "--- " + name + " stderr:\n" + last(err(), 30);
    }

    private static String last(String text, int lines) {
        String[] all = text.split("\n", -1);
        return String.join("\n", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length)) + "\n";
    }

    /** Kills it if still running: a child left in a network namespace would keep the namespace alive. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
