package dev.cellscope.cli;

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
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
        ProbeLiveTest.assertLiveRunIsTheSample(ring, sample, n, file, live);

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
