package dev.cellscope.cli.endpoint;

import dev.cellscope.live.testing.VethPair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code replay --as tether-sender} over raw Ethernet ({@code --to TETHERID@MAC -i IF}): the sender of the
 * {@code tether-overrun} sample out of one end of a veth pair into {@code endpoint tether-recv --transport eth}
 * in a network namespace on the other end. Oracle: the sample's {@code .truth.json} (content length and CRC-64),
 * as for the UDP test ({@link ReplayAsTetherTest}).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ReplayAsTetherVethTest {
    private static VethPair veth;

    @TempDir
    Path dir;

    @BeforeAll
    static void pair() throws Exception {
        veth = VethPair.createOrSkip("Tether over raw Ethernet on a veth pair");
    }

    @AfterAll
    static void remove() throws Exception {
        if (veth != null) veth.close();
    }

    @Test
    void theCapturedFlowOverRawEthernetAnswersAsItDidAndKeepsTheCapturedBytes() throws Exception {
        ReplayAsTetherTest.Truth truth = ReplayAsTetherTest.truth();
        Path got = dir.resolve("got.bin"), report = dir.resolve("eth.json");
        VethPair.Result mac = VethPair.run("ip", "netns", "exec", veth.namespace, "cat", "/sys/class/net/" + veth.sendInterface + "/address");
        assertEquals(0, mac.exit(), mac.output());
        try (Child recv = Child.start(dir, "recv-eth", veth.inNamespace(), "endpoint", "tether-recv", "-o", got.toString(),
                "--key", dir.resolve("recv.key").toString(), "--transport", "eth", "--iface", veth.sendInterface,
                "--window", Long.toString(truth.window()), "--stall-ms", "2000", "--timeout", "120")) {
            // over raw Ethernet a node's Tether ID is its interface's MAC
            String id = recv.await("node [0-9a-f]{32} \\(tether ([0-9a-f]{2}(?::[0-9a-f]{2}){5})\\) on eth .*: waiting for a flow", 60);
            assertEquals(mac.output().strip(), id, "the Tether ID is the far end's MAC");
            Child r = Child.start(dir, "replay-eth", List.of(), "replay", "-r", ReplayAsTetherTest.SAMPLE.toString(), "--as", "tether-sender",
                    "-i", veth.captureInterface, "--to", id + "@" + mac.output().strip(), "--report", report.toString(), "--kept", got.toString());
            assertTrue(r.waitMillis(180_000), "replay still running after 180 s\n" + r.tail());
            ReplayAsTetherTest.assertAnsweredAsCapturedAndKept(r, recv, got, truth);
        }
    }
}
