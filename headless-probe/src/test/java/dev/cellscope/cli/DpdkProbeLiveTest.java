package dev.cellscope.cli;

import dev.cellscope.io.InterfaceStatistics;
import dev.cellscope.live.Backends;
import dev.cellscope.live.LiveBackend;
import dev.cellscope.live.testing.VethPair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code cellscope probe -i IF --backend dpdk} on the veth pair, as {@link ProbeLiveTest} runs the
 * other backends (its helpers, the same oracles): the ring files hold the sample byte for byte (tshark
 * reads them), and the flow records, findings and traffic counters are those of the probe's run over
 * the sample file (which {@link ProbeCommandTest} checks against the samples' ground truth). Without
 * a capture filter (the dpdk backend has none): these samples hold only cell traffic. Afterwards
 * nothing is left: the interface is not promiscuous, and no DPDK runtime directory remains.
 */
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class DpdkProbeLiveTest {
    private static VethPair veth;

    @BeforeAll
    static void pair() throws Exception {
        LiveBackend dpdk = Backends.all().stream().filter(b -> b.name().equals("dpdk")).findFirst().orElseThrow();
        Assumptions.assumeTrue(dpdk.available().ok(), () -> "DPDK cannot run here: " + dpdk.available().reason());
        veth = VethPair.createOrSkip("probe on a veth pair");
    }

    @AfterAll
    static void remove() throws Exception {
        if (veth != null) veth.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"lossy-mesh", "tether-overrun"})
    void liveProbeThroughDpdkAgreesWithTheSampleAndWithItsRunOnTheFile(String name, @TempDir Path dir) throws Exception {
        Path sample = ProbeLiveTest.SAMPLES.resolve(name + ".pcapng"), ring = dir.resolve("ring");
        int n = LiveReadTest.frameCount(sample);
        ProbeLiveTest.Run file = ProbeLiveTest.probe(Files.createDirectories(dir.resolve("file")), n, null, "-r", sample.toString());
        ProbeLiveTest.Run live = ProbeLiveTest.probe(Files.createDirectories(dir.resolve("live")), n, () -> veth.replay(sample, "--pps=2000"),
                "-i", veth.captureInterface, "--backend", "dpdk", "--ring", ring.toString(), "--ring-packets", "100");

        assertTrue(live.stderr().matches("(?s).*cellscope: capturing on '" + veth.captureInterface + "' \\(backend dpdk: DPDK net_af_packet\\S*, busy poll off\\).*"),
                live.stderr());
        List<Path> files = ProbeLiveTest.ringFiles(ring);
        assertEquals((n + 99) / 100, files.size(), "ring files of 100 frames: " + files);
        List<byte[]> captured = new ArrayList<>();
        List<InterfaceStatistics> last = List.of();
        int tshark = 0;
        for (Path f : files) {
            last = ProbeLiveTest.readRingFile(f, captured);
            assertEquals(1, last.size(), f + " ends with one statistics block");
            assertEquals(0L, last.getFirst().osDrops().orElseThrow(), f + ": isb_osdrop");
            tshark += ProbeLiveTest.tsharkFrames(f);
        }
        assertEquals(n, tshark, "tshark reads every frame of the ring");
        List<byte[]> sent = ProbeLiveTest.frames(sample);
        assertEquals(sent.size(), captured.size());
        for (int i = 0; i < sent.size(); i++) assertArrayEquals(sent.get(i), captured.get(i), "frame " + (i + 1));
        assertEquals((long) n, last.getFirst().received().orElseThrow(), "the last file's isb_ifrecv: the frames the port received");

        assertFalse(file.flowRows().isEmpty());
        assertEquals(file.flowRows(), live.flowRows(), "flow end records (time columns aside)");
        assertEquals(file.findings(), live.findings(), "findings by kind, severity and group");
        assertEquals(ProbeLiveTest.trafficMetrics(file.metrics()), ProbeLiveTest.trafficMetrics(live.metrics()));
        Map<String, Double> m = live.metrics();
        assertEquals(0.0, ProbeCommandTest.sum(m, "cellscope_drops_total"), "drops at a moderate rate");
        assertEquals((double) n, m.get("cellscope_capture_received_total"));
        assertTrue(live.stderr().contains("drops 0 (kernel 0, interface 0, ring 0, parser 0, disk 0)"), live.stderr());

        // nothing left behind by the probe's process
        long flags = Long.decode(Files.readString(Path.of("/sys/class/net", veth.captureInterface, "flags")).strip());
        assertEquals(0, flags & 0x100, "IFF_PROMISC off after the probe");
        try (var runtime = Files.list(Path.of("/var/run/dpdk")).filter(p -> p.getFileName().toString().startsWith("cellscope-"))) {
            List<Path> left = runtime.filter(p -> !Files.exists(Path.of("/proc", p.getFileName().toString().substring(10)))).toList();
            assertEquals(List.of(), left, "no DPDK runtime directory of an ended process");
        } catch (java.nio.file.NoSuchFileException none) {
            // no /var/run/dpdk at all: nothing left either
        }
    }
}
