package dev.cellscope.samples;

import dev.cellscope.io.CaptureReader;
import dev.cellscope.io.Packet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SyntheticCapturesTest {
    static final Path COMMITTED = Path.of("captures", "quickstart.pcapng");

    @Test
    void regeneratingTheCommittedQuickstartGivesIdenticalBytes(@TempDir Path dir) throws IOException {
        Path fresh = dir.resolve("q.pcapng");
        SyntheticCaptures.generate("quickstart", fresh, 0, 1);
        assertArrayEquals(Files.readAllBytes(COMMITTED), Files.readAllBytes(fresh),
                "samples/captures/quickstart.pcapng is stale: ./cellscope samples generate quickstart -o samples/captures/quickstart.pcapng");
    }

    @Test
    void bulkHasTheRequestedFramesAndIsDeterministic(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("a.pcapng"), b = dir.resolve("b.pcapng"), c = dir.resolve("c.pcapng");
        SyntheticCaptures.generate("bulk", a, 1000, 7);
        SyntheticCaptures.generate("bulk", b, 1000, 7);
        SyntheticCaptures.generate("bulk", c, 1000, 8);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)));
        try (CaptureReader r = CaptureReader.open(a)) {
            long n = 0;
            Packet p;
            while ((p = r.next()) != null) n++;
            assertEquals(1000, n);
            assertTrue(r.error().isEmpty());
        }
    }

    @Test
    void tsharkReadsTheCommittedCapture() throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("tshark", "-r", COMMITTED.toString(), "-T", "fields", "-e", "frame.number").start();
        } catch (IOException e) {
            Assumptions.abort("tshark not installed (./run-tests installs it): " + e.getMessage());
            return;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor());
        // tshark warns when run as root; anything else on stderr is a complaint about the file.
        List<String> complaints = err.lines().filter(l -> !l.contains("Running as user \"root\"")).toList();
        assertEquals(List.of(), complaints);
        long ours;
        try (CaptureReader r = CaptureReader.open(COMMITTED)) {
            ours = 0;
            while (r.next() != null) ours++;
        }
        assertEquals(ours, out.lines().count());
    }
}
