package dev.cellscope.cli;

import dev.cellscope.samples.SyntheticCaptures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The console statistics (-z) on the quickstart sample; the expected numbers are counted from
 * what {@code SyntheticCaptures.quickstart} sends (see its source), not from a previous run.
 */
class StatisticsCommandTest {
    @TempDir
    static Path dir;
    static Path capture;
    static final String ALICE = "7eb397dda09a938a41ec30cdcfc1cf15", BOB = "fed93f8caa4770aa03473070e5a39bf3";

    @BeforeAll
    static void generate() throws IOException {
        capture = dir.resolve("quickstart.pcapng");
        SyntheticCaptures.generate("quickstart", capture, 0, 1);
    }

    private static List<String> row(Cli.Result r, String start) {
        String line = r.lines().stream().filter(l -> l.startsWith(start)).findFirst().orElseThrow(() -> new AssertionError(start + "\n" + r.out()));
        return List.of(line.substring(start.length()).trim().split("\\s+"));
    }

    @Test
    void utcpConversations() throws Exception {
        Cli.Result r = Cli.run("read", "-r", capture.toString(), "-q", "-z", "conv,utcp");
        assertEquals(0, r.exit(), r.err());
        // Alice sends SYN, HANDSHAKE, WANT, ACK, DAG_SYNC, NACK, ACK, FIN; Bob SYN, HANDSHAKE, three PUTs, DAG_SYNC, ACK.
        List<String> v = row(r, ALICE + " <-> " + BOB);
        assertEquals(List.of("8", "7", "15"), List.of(v.get(0), v.get(2), v.get(4)));
        assertEquals("0.002100", v.get(7)); // SYN at 150 µs to Bob's ACK at 2250 µs
    }

    @Test
    void tetherConversationsAndEndpoints() throws Exception {
        Cli.Result r = Cli.run("read", "-r", capture.toString(), "-q", "-z", "conv,tether", "-z", "endpoints,cellid");
        assertEquals(0, r.exit(), r.err());
        // dock → lamp: Hail reply, grant, singleton NACK, bulk Nack; lamp → dock: Lamp, Define, 16 + 8 slots, Manifest, bad-CRC Hail.
        List<String> v = row(r, "ac:1d:10:27:e0:35 <-> ac:1d:6c:31:04:12");
        assertEquals(List.of("4", "28", "32"), List.of(v.get(0), v.get(2), v.get(4)));
        // Bob sent 7 frames and received Alice's 8, Carol's JSON and Mallory's attack.
        List<String> bob = row(r, BOB);
        assertEquals(List.of("7", "10"), List.of(bob.get(0), bob.get(2)));
    }

    @Test
    void sbiOpsAndIoStat() throws Exception {
        Cli.Result r = Cli.run("read", "-r", capture.toString(), "-q", "-z", "sbi,ops", "-z", "io,stat,0,tether,utcp.analysis.retransmission");
        assertEquals(0, r.exit(), r.err());
        assertEquals("2", row(r, "HANDSHAKE").get(0));
        assertEquals("1", row(r, "BLOCK_WANT").get(0));
        assertEquals("3", row(r, "BLOCK_PUT").get(0));
        assertEquals("2", row(r, "DAG_SYNC").get(0));
        assertEquals("2", row(r, "ACK").get(0));
        assertTrue(r.out().contains("BLOCK_PUT verification: 3 verified, 0 failed"), r.out());
        List<String> io = row(r, "0.000000 <> ");
        // 53 frames; 33 Tether (32 between lamp and dock, one from mallory); 1 retransmission.
        assertEquals(List.of("53", "33", "1"), List.of(io.get(2), io.get(5), io.get(8)));
    }

    @Test
    void unknownStatisticIsAUsageError() throws Exception {
        Cli.Result r = Cli.run("read", "-r", capture.toString(), "-z", "conv,tcp");
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("cellscope: -z: unknown statistic 'conv,tcp'"), r.err());
        Cli.Result bad = Cli.run("read", "-r", capture.toString(), "-z", "io,stat,1,utcp.sq");
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("did you mean 'utcp.seq'"), bad.err());
    }
}
