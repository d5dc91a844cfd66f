package dev.cellscope.cli;

import dev.cellscope.io.Packet;
import dev.cellscope.io.PcapngWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A heap too small for the capture ends the run with one line that names the fix (issue 17 item 3: the launcher
 * caps single-pass commands' heap, so a user can meet this). The capture is 300,000 UTCP SYNs, each from a CellID
 * of its own within one second, so every one is a live conversation the analysis must keep: far more than a 12 MiB
 * heap holds on any machine (a uniform capture of 60,000 bulk frames, used before, fitted in 12 MiB once the
 * analysis got leaner, and this test failed in CI).
 */
class OutOfMemoryMessageTest {

    static final int CONVERSATIONS = 300_000;

    @Test
    void runningOutOfHeapIsOneLineNamingTheFix(@TempDir Path dir) throws Exception {
        Path capture = dir.resolve("syns.pcapng");
        writeSyns(capture, CONVERSATIONS);

        Path err = dir.resolve("err.txt");
        Process p = new ProcessBuilder(Cli.command(List.of("-Xmx12m"), "read", "-2", "-r", capture.toString()))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "read did not end within 120 s");
        String stderr = Files.readString(err, StandardCharsets.UTF_8);

        assertEquals(1, p.exitValue(), stderr);
        assertEquals(List.of("cellscope: out of memory (heap limit 12 MiB): run again with a larger heap, e.g. CELLSCOPE_HEAP=2g ./cellscope ..."),
                stderr.lines().filter(l -> !l.startsWith("cellscope: BLAKE3: ")).toList(), "stderr must be the one line, once");
    }

    /** UTCP SYNs (flags 0x0001, no payload) laid out by hand from PROTOCOLS.md: src CellID i, one dst, 1 µs apart. */
    static void writeSyns(Path out, int count) throws Exception {
        try (PcapngWriter w = new PcapngWriter(out)) {
            w.addInterface(Packet.LINKTYPE_ETHERNET, 0, "syns");
            long t = 1_795_867_200_000_000_000L;
            for (int i = 0; i < count; i++) {
                ByteBuffer b = ByteBuffer.allocate(14 + 40);
                HostileWire.putMac(b, HostileWire.BOB);
                HostileWire.putMac(b, 0x0200_0000_0000L | i);
                b.putShort((short) 0x88B5);
                b.putLong(0x7000_0000_0000_0000L).putLong(i);   // src CellID
                b.putLong(0x0b0b_0000_0000_0000L).putLong(1);   // dst CellID
                b.putInt(1000).putShort((short) 0x0001).putShort((short) 0);
                w.write(0, t += 1_000, b.capacity(), MemorySegment.ofArray(b.array()), null);
            }
        }
    }
}
