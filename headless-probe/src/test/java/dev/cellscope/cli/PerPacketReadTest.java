package dev.cellscope.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code read --per-packet}: the stateless decode the Wireshark plugin is compared with. */
@Timeout(120)
class PerPacketReadTest {
    private static final String LOSSY = "../samples/captures/lossy-mesh.pcapng";

    @Test
    void noAnalysisAndSbiOnlyWherePacketsHoldWholeMessages() throws Exception {
        // With analysis, lossy-mesh has retransmissions and reassembled BLOCK_PUTs.
        Cli.Result analysed = Cli.run("read", "-r", LOSSY, "-Y", "utcp.analysis.retransmission or sbi.reassembled_in",
                "-T", "fields", "-e", "frame.number");
        assertEquals(0, analysed.exit(), Cli.errors(analysed));
        assertTrue(analysed.lines().size() > 0, "the sample has analysis results: " + analysed.lines().size());
        Cli.Result perPacket = Cli.run("read", "--per-packet", "-r", LOSSY, "-Y", "utcp.analysis.retransmission or sbi.reassembled_in or sbi.msg_index",
                "-T", "fields", "-e", "frame.number");
        assertEquals(0, perPacket.exit(), Cli.errors(perPacket));
        assertEquals(List.of(), perPacket.lines(), "no analysis field per packet");
        // Per packet, a message that continues past its packet shows only its envelope and a note.
        Cli.Result continues = Cli.run("read", "--per-packet", "-r", LOSSY, "-Y", "expert.id == \"sbi.continues\"",
                "-T", "fields", "-e", "frame.number");
        assertTrue(continues.lines().size() > 0, "large BLOCK_PUTs span packets");
    }

    @Test
    void perPacketRefusesTwoPassesAndStatistics() throws Exception {
        for (String[] extra : List.of(new String[] {"-2"}, new String[] {"-z", "expert"})) {
            List<String> args = new java.util.ArrayList<>(List.of("read", "--per-packet", "-r", LOSSY));
            args.addAll(List.of(extra));
            Cli.Result r = Cli.run(args.toArray(String[]::new));
            assertEquals(Main.EXIT_USAGE, r.exit(), r.err());
            assertTrue(r.err().contains("--per-packet"), r.err());
        }
    }
}
