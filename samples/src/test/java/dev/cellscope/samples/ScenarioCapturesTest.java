package dev.cellscope.samples;

import dev.cellscope.io.CaptureReader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** The committed scenario captures: reproducible from their seed, readable by tshark, small. */
class ScenarioCapturesTest {
    static final Path CAPTURES = Path.of("captures");

    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicTest> regeneratingWithTheSeedGivesIdenticalBytes() {
        return Scenarios.COMMITTED.stream().map(name -> DynamicTest.dynamicTest(name, () -> {
            Path fresh = dir.resolve(name + ".pcapng");
            Scenarios.generate(name, fresh, 0, Scenarios.defaultSeed(name));
            String hint = "samples/captures/" + name + " is stale: ./cellscope samples generate " + name + " -o samples/captures/" + name + ".pcapng";
            assertArrayEquals(Files.readAllBytes(CAPTURES.resolve(name + ".pcapng")), Files.readAllBytes(fresh), hint);
            assertEquals(Files.readString(Scenarios.truthPath(CAPTURES.resolve(name + ".pcapng"))), Files.readString(Scenarios.truthPath(fresh)), hint);
        }));
    }

    @Test
    void anotherSeedGivesAnotherCapture() throws IOException {
        Path a = dir.resolve("a.pcapng"), b = dir.resolve("b.pcapng");
        Scenarios.generate("lossy-mesh", a, 0, 2);
        Scenarios.generate("lossy-mesh", b, 0, 2);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(CAPTURES.resolve("lossy-mesh.pcapng"))));
    }

    @Test
    void committedCapturesStayUnderTenMegabytes() throws IOException {
        long total = 0;
        try (var files = Files.list(CAPTURES)) {
            for (Path p : files.toList()) total += Files.size(p);
        }
        assertTrue(total < 10_000_000, "samples/captures holds " + total + " bytes");
    }

    @TestFactory
    Stream<DynamicTest> tsharkReadsEveryCommittedCapture() {
        return Scenarios.COMMITTED.stream().map(name -> DynamicTest.dynamicTest(name, () -> tshark(CAPTURES.resolve(name + ".pcapng"))));
    }

    static void tshark(Path capture) throws Exception {
        Process p;
        try {
            p = new ProcessBuilder("tshark", "-r", capture.toString(), "-T", "fields", "-e", "frame.number").start();
        } catch (IOException e) {
            Assumptions.abort("tshark not installed (./run-tests installs it): " + e.getMessage());
            return;
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), err);
        List<String> complaints = err.lines().filter(l -> !l.contains("Running as user \"root\"")).toList();
        assertEquals(List.of(), complaints);
        long ours = 0;
        try (CaptureReader r = CaptureReader.open(capture)) {
            while (r.next() != null) ours++;
        }
        assertEquals(ours, out.lines().count());
    }
}
