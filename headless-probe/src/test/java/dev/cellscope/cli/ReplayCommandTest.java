package dev.cellscope.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code cellscope replay}'s refusals: one line on stderr, the right exit code, nothing sent. */
class ReplayCommandTest {
    static final String SAMPLE = Path.of("..", "samples", "captures", "mixed-wire.pcapng").toAbsolutePath().normalize().toString();

    @TempDir
    Path dir;

    static void oneLine(Cli.Result r, int exit, String expected) {
        assertEquals(exit, r.exit(), r.err());
        assertTrue(r.err().startsWith("cellscope: "), r.err());
        assertTrue(r.err().contains(expected), "wanted '" + expected + "' in: " + r.err());
        assertFalse(r.err().contains("Exception") || r.err().contains("\tat "), r.err());
        assertEquals("", r.out(), "nothing reported as sent");
    }

    @Test
    void oneWayToPace() throws Exception {
        Cli.Result r = Cli.run("replay", "-r", SAMPLE, "-i", "lo", "-x", "2", "--pps", "100");
        oneLine(r, 2, "-x, --pps: choose one way to pace the frames");
        assertEquals(1, r.err().lines().count());
    }

    @Test
    void ratesMustBePositive() throws Exception {
        oneLine(Cli.run("replay", "-r", SAMPLE, "-i", "lo", "-x", "0"), 2, "-x 0.0: must be a positive number");
        oneLine(Cli.run("replay", "-r", SAMPLE, "-i", "lo", "--pps", "-5"), 2, "--pps -5.0: must be a positive number");
        oneLine(Cli.run("replay", "-r", SAMPLE, "-i", "lo", "--loop", "-1"), 2, "--loop -1");
        oneLine(Cli.run("replay", "-r", SAMPLE, "-i", "lo", "--duration", "0"), 2, "--duration 0.0");
    }

    @Test
    void filterErrorsPointAtTheFault() throws Exception {
        Cli.Result r = Cli.run("replay", "-r", SAMPLE, "-i", "lo", "-Y", "utcp.seq >");
        assertEquals(2, r.exit(), r.err());
        assertTrue(r.err().startsWith("cellscope: -Y: "), r.err());
        assertTrue(r.err().contains("^"), "a caret under the fault: " + r.err());
    }

    @Test
    void missingAndUnreadableFiles() throws Exception {
        oneLine(Cli.run("replay", "-r", dir.resolve("nothing.pcapng").toString(), "-i", "lo"), 1, "nothing.pcapng: no such file");
        Path text = Files.writeString(dir.resolve("notes.pcapng"), "not a capture\n");
        oneLine(Cli.run("replay", "-r", text.toString(), "-i", "lo"), 1, "not a pcap or pcapng file");
    }

    @Test
    void noSuchInterface() throws Exception {
        oneLine(Cli.run("replay", "-r", SAMPLE, "-i", "nosuch0"), 1, "-i nosuch0: no network interface 'nosuch0'");
    }

    @Test
    void missingOptions() throws Exception {
        Cli.Result r = Cli.run("replay", "-r", SAMPLE);
        assertEquals(2, r.exit());
        assertEquals("cellscope: replay needs -i INTERFACE to send on, or -w OUT.pcapng to write to\n", r.err());
    }

    /** Root without CAP_NET_RAW (setpriv drops it from the bounding set): the socket is refused, as for a user. */
    @Test
    void withoutCapNetRaw() throws Exception {
        String setpriv = dev.cellscope.live.testing.VethPair.which("setpriv");
        Assumptions.assumeTrue(setpriv != null, "'setpriv' not found (Debian package util-linux): cannot drop CAP_NET_RAW");
        List<String> cmd = new ArrayList<>(List.of(setpriv, "--bounding-set=-net_raw", "--inh-caps=-net_raw"));
        cmd.addAll(Cli.command("replay", "-r", SAMPLE, "-i", "lo"));
        Path err = dir.resolve("err");
        Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectOutput(dir.resolve("out").toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        String e = Files.readString(err, StandardCharsets.UTF_8);
        Assumptions.assumeFalse(e.contains("setpriv:"), "setpriv cannot drop capabilities here: " + e);
        assertEquals(1, p.exitValue(), e);
        assertEquals("cellscope: -i lo: AF_PACKET needs root or CAP_NET_RAW (socket: EPERM)\n", e);
    }
}
