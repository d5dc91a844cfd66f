package dev.cellscope.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code cellscope probe} running in a child JVM, for tests that signal it or scrape it while it runs. */
final class ProbeProcess implements AutoCloseable {
    private final Process process;
    private final Path err;

    private ProbeProcess(Process process, Path err) {
        this.process = process;
        this.err = err;
    }

    static ProbeProcess start(String... args) throws IOException {
        return start(List.of(), args);
    }

    /** With JVM options of its own (e.g. the heap cap a long run is given). */
    static ProbeProcess start(List<String> jvmOptions, String... args) throws IOException {
        Path err = Files.createTempFile("cellscope-probe-err", ".txt");
        String[] all = new String[args.length + 1];
        all[0] = "probe";
        System.arraycopy(args, 0, all, 1, args.length);
        Process p = new ProcessBuilder(Cli.command(jvmOptions, all)).redirectError(err.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return new ProbeProcess(p, err);
    }

    long pid() {
        return process.pid();
    }

    String stderr() throws IOException {
        return Files.readString(err, StandardCharsets.UTF_8);
    }

    /** Sends a signal with kill(1), as an operator or systemd would. */
    void signal(String name) throws IOException, InterruptedException {
        Process k = new ProcessBuilder("kill", "-" + name, Long.toString(pid())).inheritIO().start();
        if (k.waitFor() != 0) throw new AssertionError("kill -" + name + " " + pid() + " failed");
    }

    /** Waits for the exit; fails when it takes longer than {@code limit}. */
    int exit(Duration limit) throws InterruptedException, IOException {
        if (!process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("probe did not exit within " + limit + "; stderr:\n" + stderr());
        }
        return process.exitValue();
    }

    boolean alive() {
        return process.isAlive();
    }

    /** Polls {@code condition} until it holds; fails after {@code limit} or when the probe exits first. */
    void await(String what, Duration limit, BooleanSupplier condition) throws InterruptedException, IOException {
        long end = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            if (!process.isAlive()) throw new AssertionError("probe exited (" + process.exitValue() + ") before " + what + "; stderr:\n" + stderr());
            if (System.nanoTime() > end) throw new AssertionError("no " + what + " within " + limit + "; stderr:\n" + stderr());
            Thread.sleep(20);
        }
    }

    /** The port of the metrics server, from the line the probe prints when it listens. */
    int metricsPort() throws InterruptedException, IOException {
        Pattern line = Pattern.compile("metrics at http://[^ ]+:(\\d+)/metrics");
        int[] port = {-1};
        await("metrics line", Duration.ofSeconds(60), () -> {
            try {
                Matcher m = line.matcher(stderr());
                if (m.find()) port[0] = Integer.parseInt(m.group(1));
            } catch (IOException e) {
                return false;
            }
            return port[0] > 0;
        });
        return port[0];
    }

    @Override
    public void close() throws IOException {
        if (process.isAlive()) process.destroyForcibly();
        Files.deleteIfExists(err);
    }
}
