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
    void cpuIsForSendingOnAnInterface() throws Exception {
        oneLine(Cli.run("replay", "-r", SAMPLE, "-w", dir.resolve("out.pcapng").toString(), "--cpu", "0"), 2, "--cpu is for sending with -i INTERFACE");
        oneLine(Cli.run("replay", "-r", SAMPLE, "-i", "lo", "--cpu", "-1"), 2, "--cpu -1: a CPU number, 0 to 1023");
        oneLine(Cli.run("replay", "-r", MESH, "--as", "initiator", "--to", PEER, "--cpu", "0"), 2, "transmit and cpu options are for wire replay");
    }

    /**
     * A CPU that is not online is a usage error (exit 2) like any other option's, found before anything opens
     * (review: it exited 1, after the socket had opened).
     */
    @Test
    void cpuThatIsNotOnline() throws Exception {
        oneLine(Cli.run("replay", "-r", SAMPLE, "-i", "lo", "--cpu", "1023"), 2, "--cpu 1023: no such CPU online");
    }

    /** {@code -w} writes pcapng whatever the name; a name that does not say so is told (review: out.pcap silently held pcapng). */
    @Test
    void writingToAPcapNameSaysItIsPcapng() throws Exception {
        Path out = dir.resolve("out.pcap");
        Cli.Result r = Cli.run("replay", "-r", SAMPLE, "-w", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals("cellscope: -w " + out + ": written as pcapng (tshark, tcpreplay and cellscope read it; a .pcapng name says so)\n", r.err());
        byte[] head = java.nio.file.Files.readAllBytes(out);
        assertEquals(0x0A0D0D0A, java.nio.ByteBuffer.wrap(head, 0, 4).getInt(), "a pcapng section header");
        Cli.Result named = Cli.run("replay", "-r", SAMPLE, "-w", dir.resolve("out.pcapng").toString());
        assertEquals("", named.err());
    }

    @Test
    void udpIsItsOwnWayOut() throws Exception {
        oneLine(Cli.run("replay", "-r", SAMPLE, "--udp", "127.0.0.1:9", "-i", "lo"), 2, "--udp cannot be used with -i");
        oneLine(Cli.run("replay", "-r", SAMPLE, "--udp", "127.0.0.1:9", "-w", dir.resolve("out.pcapng").toString()), 2, "--udp cannot be used with -w");
        oneLine(Cli.run("replay", "-r", SAMPLE, "--udp-from", "127.0.0.1:0", "-i", "lo"), 2, "--udp-from is for sending with --udp HOST:PORT");
        oneLine(Cli.run("replay", "-r", SAMPLE, "--udp", "127.0.0.1:9", "--transmit", "xdp"), 2,
                "--transmit is for sending with -i INTERFACE (--udp sends through an ordinary UDP socket)");
        oneLine(Cli.run("replay", "-r", MESH, "--as", "initiator", "--to", PEER, "--udp", "127.0.0.1:9"), 2, "--udp and the pacing");
    }

    @Test
    void udpAddressesAreHostAndPort() throws Exception {
        Cli.Result r = Cli.run("replay", "-r", SAMPLE, "--udp", "127.0.0.1");
        oneLine(r, 2, "--udp takes HOST:PORT, got '127.0.0.1'");
        assertEquals(1, r.err().lines().count(), r.err());
        oneLine(Cli.run("replay", "-r", SAMPLE, "--udp", "127.0.0.1:http"), 2, "--udp: 'http' is not a port");
        oneLine(Cli.run("replay", "-r", SAMPLE, "--udp", "127.0.0.1:70000"), 2, "--udp: '70000' is not a port");
        oneLine(Cli.run("replay", "-r", SAMPLE, "--udp", "127.0.0.1:0"), 2, "--udp 127.0.0.1:0: the port must be 1 to 65535");
        oneLine(Cli.run("replay", "-r", SAMPLE, "--udp", "no-such-host.invalid:9"), 2, "--udp no-such-host.invalid:9: no such host 'no-such-host.invalid'");
        oneLine(Cli.run("replay", "-r", SAMPLE, "--udp", "127.0.0.1:9", "--udp-from", "::1:0"), 1,
                "--udp-from [::1]:0: not of the address family of --udp 127.0.0.1:9");
        // 192.0.2.1 (TEST-NET-1) is no address of this host: bind refuses it, before anything is read or sent
        oneLine(Cli.run("replay", "-r", SAMPLE, "--udp", "127.0.0.1:9", "--udp-from", "192.0.2.1:0"), 1, "--udp-from 192.0.2.1:0: ");
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
        assertEquals("cellscope: replay needs -i INTERFACE to send on, --udp HOST:PORT to send to, or -w OUT.pcapng to write to\n", r.err());
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

    static final String MESH = Path.of("..", "samples", "captures", "mesh-transfer.pcapng").toAbsolutePath().normalize().toString();
    static final String PEER = "1f460ab984be5fe4582f4d059843bcad@127.0.0.1:9";

    @Test
    void asPeerRefusesWhatIsForWireReplay() throws Exception {
        oneLine(Cli.run("replay", "-r", MESH, "--as", "initiator"), 2, "--as needs --to PEER");
        oneLine(Cli.run("replay", "-r", MESH, "--to", PEER), 2, "--to is for --as SIDE");
        oneLine(Cli.run("replay", "-r", MESH, "--as", "initiator", "--to", PEER, "-x", "2"), 2, "--as plays messages through the endpoint stack");
        oneLine(Cli.run("replay", "-r", MESH, "--as", "initiator", "--to", PEER, "-Y", "utcp"), 2, "-w, -Y, --map");
        oneLine(Cli.run("replay", "-r", MESH, "--as", "initiator", "--to", "nobody"), 2, "--to: peer 'nobody' must be CELLID@HOST:PORT");
        oneLine(Cli.run("replay", "-r", MESH, "-i", "lo", "--report", "x.json"), 2, "--listen, --stream, --kept, --accept-timeout and --report are for --as");
    }

    @Test
    void asTetherSenderNamesWhatItCannotPlay() throws Exception {
        String tether = "ac:1d:00:00:00:01@127.0.0.1:9", overrun = MESH.replace("mesh-transfer", "tether-overrun");
        oneLine(Cli.run("replay", "-r", MESH, "--as", "initiator", "--to", PEER, "--kept", "x.bin"), 2, "--kept is for --as tether-sender");
        oneLine(Cli.run("replay", "-r", MESH, "--as", "tether-sender", "--to", tether), 1, "no Tether flow (no Define, data or Manifest) in the capture");
        oneLine(Cli.run("replay", "-r", overrun, "--as", "tether-sender", "--to", tether, "--stream", "3"), 2,
                "--stream 3: the capture has 1 Tether flow (0..0)");
        oneLine(Cli.run("replay", "-r", overrun, "--as", "tether-sender", "--to", "ac:1d:00:00:00:01"), 2, "--to needs an address");
    }

    @Test
    void asResponderListensAndConnectsNowhere() throws Exception {
        String resp = "--to is for --as initiator: replaying the responder, cellscope listens (--listen HOST:PORT, or -i IF)";
        oneLine(Cli.run("replay", "-r", MESH, "--as", "responder", "--to", PEER), 2, resp);
        oneLine(Cli.run("replay", "-r", MESH, "--as", "server", "--listen", "127.0.0.1:0", "--to", PEER), 2, resp);
        // the CellID form: Bob is conversation 0's responder, which the capture tells
        oneLine(Cli.run("replay", "-r", MESH, "--as", "1f460ab984be5fe4582f4d059843bcad", "--to", PEER), 2, resp);
        oneLine(Cli.run("replay", "-r", MESH, "--as", "responder"), 2, "--as responder needs --listen HOST:PORT (or -i IF for raw Ethernet)");
        oneLine(Cli.run("replay", "-r", MESH, "--as", "responder", "-i", "lo", "--listen", "127.0.0.1:0"), 2, "--listen is for UDP");
        oneLine(Cli.run("replay", "-r", MESH, "--as", "responder", "--listen", "127.0.0.1:0", "--accept-timeout", "0"), 2,
                "--accept-timeout 0.0: seconds, more than 0 and at most 3600");
        oneLine(Cli.run("replay", "-r", MESH, "--as", "initiator", "--to", PEER, "--accept-timeout", "5"), 2, "--accept-timeout is for --as responder");
        oneLine(Cli.run("replay", "-r", MESH, "-i", "lo", "--accept-timeout", "5"), 2, "--accept-timeout and --report are for --as");
    }

    @Test
    void asPeerNamesAConversationItCannotFind() throws Exception {
        oneLine(Cli.run("replay", "-r", MESH, "--as", "00112233445566778899aabbccddeeff", "--to", PEER), 1,
                "no conversation with data has CellID 00112233445566778899aabbccddeeff");
        oneLine(Cli.run("replay", "-r", MESH, "--stream", "7", "--as", "initiator", "--to", PEER), 2, "--stream 7: no such conversation with data (there are: 0, 1)");
    }

    @Test
    void asPeerRefusesAConversationWithAHoleNamingTheSeqs() throws Exception {
        // frame 12 of mesh-transfer is alice's DATA seq 1147452820: a capture without it cannot give her messages whole
        Path holed = dir.resolve("holed.pcapng");
        assertEquals(0, Cli.run("replay", "-r", MESH, "-Y", "frame.number != 12", "-w", holed.toString()).exit());
        oneLine(Cli.run("replay", "-r", holed.toString(), "--as", "initiator", "--to", PEER), 1,
                "conversation 0, from a74aaa1fe85b0f9170c12ec1e28325b7: seqs 1147452820 to 1147452820 are missing from the capture");
    }
}
