package dev.cellscope.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A capture cut by snaplen (editcap -s 100, as tcpdump -s 100 would write it): nothing is derived from the bytes
 * that were not captured (docs/DECISIONS.md, "Snaplen"). No bad checksum (not verified, a note), no Tether length
 * error, no stream stitched across a cut packet (no invalid_frame_size, no handshake from garbage), no findings
 * that rest on a cut control message being absent. Before the rule: 71 findings, 31 of them Bad CRC-64/GO-ISO.
 */
class SnaplenCutTest {

    @Test
    void aCutCaptureGivesOnlyFindingsFromCapturedBytes(@TempDir Path dir) throws Exception {
        Path cut = dir.resolve("cut.pcapng");
        Cli.Result editcap = Cli.tool("editcap", "-s", "100", "../samples/captures/quickstart.pcapng", cut.toString());
        Assumptions.assumeTrue(editcap != null, "editcap not found (Debian package wireshark-common)");
        assertEquals(0, editcap.exit(), editcap.err());

        Cli.Result r = Cli.run("read", "-r", cut.toString(), "-q", "-z", "expert");
        assertEquals(0, r.exit(), r.err());
        List<String> findings = r.lines().stream().filter(l -> l.matches(" *\\d+  \\w+ .*")).map(String::strip).toList();
        List<String> cutNotes = findings.stream().filter(SnaplenCutTest::aboutTheCut).toList();
        // Every frame over 100 bytes says it was cut; each cut UTCP payload_len and each cut Tether checksum says so too.
        assertEquals(39, cutNotes.stream().filter(l -> l.contains("Frame cut by snaplen")).count(), String.join("\n", cutNotes));
        assertEquals(8, cutNotes.stream().filter(l -> l.contains("UTCP payload_len")).count(), String.join("\n", cutNotes));
        assertEquals(31, cutNotes.stream().filter(l -> l.contains("CRC-64/GO-ISO not verified: snaplen cut")).count());
        assertEquals(List.of(
                "51  error  malformed  invalid_frame_size: frame_len 2065854320 out of range [24, 262144]; stream starts with '{': legacy JSON peer; a receiver NACKs and closes, so this direction is not parsed further",
                "52  error  credit     Grant overrun: sends 320 bytes on flow 7 with 0 bytes of credit (deficit 320)",
                "53  error  malformed  invalid_frame_size: frame_len 2147483648 out of range [24, 262144]; a receiver NACKs and closes, so this direction is not parsed further",
                "10  warn   sequence   1 seq(s) missing before 5005 (5004)",
                "7  note   sequence   SBI stream resynchronised after a hole: 0 bytes skipped before the next message start",
                "7  note   sequence   msg_index counted after a hole: messages lost in it are not counted",
                "12  note   sequence   Retransmission of seq 5004 requested by the NACK in frame 11",
                "13  note   sequence   SBI stream resynchronised after a hole: 0 bytes skipped before the next message start",
                "13  note   sequence   msg_index counted after a hole: messages lost in it are not counted",
                "52  note   protocol   Data on flow 7, which no Define from ac:1d:5e:f6:aa:c2 announced",
                "1  chat   sequence   Direction opened, initial seq 1000",
                "2  chat   sequence   Direction opened, initial seq 5000",
                "14  chat   sequence   Direction closed (FIN at seq 1006)",
                "15  chat   sequence   FIN acknowledged",
                "37  chat   sequence   Re-sends slot 1 NACKed in frame 36 after 0.2 ms",
                "48  chat   sequence   Direction opened, initial seq 1",
                "49  chat   sequence   Direction opened, initial seq 7"),
                findings.stream().filter(l -> !aboutTheCut(l)).toList());
    }

    /**
     * Per packet (and so in the Wireshark plugin), a UTCP DATA payload snaplen cut is not read as SBI messages, as the
     * stream makes it a hole: it used to give "SBI message continues past this packet" for messages whose bytes were
     * in the packet but not captured (frames 10 and 12 of quickstart cut at 200), or an invalid_frame_size read
     * from the captured part of a payload.
     */
    @Test
    void perPacketACutDataPayloadIsNotReadAsSbi(@TempDir Path dir) throws Exception {
        Path cut = dir.resolve("cut.pcapng");
        Cli.Result editcap = Cli.tool("editcap", "-s", "200", "../samples/captures/quickstart.pcapng", cut.toString());
        Assumptions.assumeTrue(editcap != null, "editcap not found (Debian package wireshark-common)");
        assertEquals(0, editcap.exit(), editcap.err());
        Cli.Result cutPayloads = Cli.run("read", "--per-packet", "-r", cut.toString(), "-Y", "expert.id == \"utcp.len_past_capture\"",
                "-T", "fields", "-e", "frame.number", "-e", "sbi.op");
        assertEquals(0, cutPayloads.exit(), cutPayloads.err());
        assertEquals(List.of("10\t", "12\t"), cutPayloads.lines(), "cut DATA payloads, with no SBI message");
        Cli.Result whole = Cli.run("read", "--per-packet", "-r", cut.toString(), "-Y", "frame.number == 9", "-T", "fields", "-e", "sbi.op");
        assertEquals(List.of("32"), whole.lines(), "a payload captured whole is still read");
    }

    private static boolean aboutTheCut(String finding) {
        return finding.contains("Frame cut by snaplen") || finding.contains("reaches past the captured bytes (frame cut by snaplen)")
                || finding.contains("CRC-64/GO-ISO not verified: snaplen cut");
    }
}
