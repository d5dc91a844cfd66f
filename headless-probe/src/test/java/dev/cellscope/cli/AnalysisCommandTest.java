package dev.cellscope.cli;

import dev.cellscope.samples.SyntheticCaptures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Conversation analysis, display filters and statistics through the real command. */
class AnalysisCommandTest {
    @TempDir
    static Path dir;
    static Path capture;

    @BeforeAll
    static void generate() throws IOException {
        capture = dir.resolve("quickstart.pcapng");
        SyntheticCaptures.generate("quickstart", capture, 0, 1);
    }

    private static String line(Cli.Result r, int frame) {
        return r.lines().stream().filter(l -> l.matches("\\s*" + frame + " .*")).findFirst().orElseThrow();
    }

    @Test
    void summaryShowsAnalysis() throws Exception {
        Cli.Result r = Cli.run("read", "-r", capture.toString());
        assertEquals(0, r.exit(), r.err());
        assertTrue(line(r, 10).contains("[Gap 1] SEQ=5005 DATA len=269 [SBI segment]"), line(r, 10));
        assertTrue(line(r, 12).contains("[Retransmission] SEQ=5004"), line(r, 12));
        assertTrue(line(r, 12).contains("BLOCK_PUT 7956d5a6… none 300B verified, BLOCK_PUT 7c1528f9… none 200B verified"), line(r, 12));
        assertTrue(line(r, 6).endsWith("BLOCK_PUT 0d32257b… deflate 54B verified"), line(r, 6));
        assertTrue(line(r, 37).contains("[Re-sent] FLOW=1 SLOT=1"), line(r, 37));
        assertTrue(line(r, 52).contains("[Overrun] FLOW=7"), line(r, 52));
    }

    @Test
    void twoPassAddsLinksToLaterFrames() throws Exception {
        Cli.Result one = Cli.run("read", "-r", capture.toString(), "-T", "fields", "-e", "frame.number", "-e", "sbi.reassembled_in",
                "-e", "utcp.analysis.answered_in", "-e", "sbi.response_in", "-c", "13");
        Cli.Result two = Cli.run("read", "-r", capture.toString(), "-2", "-T", "fields", "-e", "frame.number", "-e", "sbi.reassembled_in",
                "-e", "utcp.analysis.answered_in", "-e", "sbi.response_in", "-c", "13");
        assertEquals(0, two.exit(), two.err());
        assertEquals("10\t\t\t", one.lines().get(9));
        assertEquals("10\t12\t\t", two.lines().get(9));   // frame 10's message completes in 12
        assertEquals("11\t\t12\t", two.lines().get(10));  // the NACK in 11 is answered by 12
        assertEquals("12\t\t\t13", two.lines().get(11));  // Alice's ACK (frame 13) answers message 4, completed in 12
        assertEquals("6\t\t\t7", two.lines().get(5));     // the ACK in 7 answers the PUT in 6
    }

    @Test
    void displayFilterSelectsFramesAndWritesOnlyThose() throws Exception {
        Path out = dir.resolve("filtered.pcapng");
        Cli.Result r = Cli.run("read", "-r", capture.toString(), "-Y", "sbi.put.verified == 1 || tether.analysis.overrun",
                "-T", "fields", "-e", "frame.number", "-w", out.toString());
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of("6", "12", "52"), r.lines());
        Cli.Result copy = Cli.run("read", "-r", out.toString(), "-T", "fields", "-e", "frame.len");
        assertEquals(3, copy.lines().size());
    }

    @Test
    void filterErrorsPointAtThePosition() throws Exception {
        Cli.Result r = Cli.run("read", "-r", capture.toString(), "-Y", "utcp.seq == ");
        assertEquals(2, r.exit());
        assertTrue(r.err().startsWith("cellscope: -Y: expected a value after '=='"), r.err());
        assertTrue(r.err().contains("utcp.seq == \n"), r.err());
    }

    @Test
    void expertSummaryCountsAndLists() throws Exception {
        Cli.Result r = Cli.run("read", "-r", capture.toString(), "-q", "-z", "expert");
        assertEquals(0, r.exit(), r.err());
        String out = r.out();
        assertTrue(out.startsWith("===="), "-q prints no frames");
        assertTrue(out.contains("error              1         0         0         2         0         1         4"), out);
        assertTrue(out.contains("      52  error  credit     Grant overrun: sends 320 bytes on flow 7 with 0 bytes of credit (deficit 320)"), out);
        assertTrue(out.contains("      47  error  checksum   Bad CRC-64/GO-ISO"), out);
    }

    @Test
    void followPrintsOneConversationsMessagesInOrder() throws Exception {
        Cli.Result r = Cli.run("read", "-r", capture.toString(), "-q", "-z", "follow,utcp,0");
        assertEquals(0, r.exit(), r.err());
        List<String> body = r.lines().stream().filter(l -> l.trim().startsWith("frame ")).toList();
        assertEquals(10, body.size(), r.out()); // five messages each way
        assertTrue(body.get(0).startsWith("frame 3  msg 0  HANDSHAKE"), body.get(0));
        assertTrue(body.get(1).startsWith("\tframe 4  msg 0  HANDSHAKE"), body.get(1));
        assertTrue(r.out().contains("Node 0: 7eb397dda09a938a41ec30cdcfc1cf15"), r.out());
        assertTrue(r.out().contains("10 messages"), r.out());
    }

    @Test
    void addressBookFlagsStrangers() throws Exception {
        Path book = dir.resolve("cells.txt");
        Files.writeString(book, "# alice and bob\n7eb397dda09a938a41ec30cdcfc1cf15 alice\nfed93f8caa4770aa03473070e5a39bf3 bob\n");
        Cli.Result r = Cli.run("read", "-r", capture.toString(), "--cellids", book.toString(), "-Y", "expert.group == security",
                "-T", "fields", "-e", "frame.number");
        assertEquals(0, r.exit(), r.err());
        assertEquals(List.of("48", "51", "53"), r.lines()); // carol's, carol's and mallory's first frames
        Files.writeString(book, "not-a-cellid\n");
        Cli.Result bad = Cli.run("read", "-r", capture.toString(), "--cellids", book.toString());
        assertEquals(2, bad.exit());
        assertTrue(bad.err().contains("cells.txt:1: 'not-a-cellid' is not a CellID (32 hex digits)"), bad.err());
    }
}
