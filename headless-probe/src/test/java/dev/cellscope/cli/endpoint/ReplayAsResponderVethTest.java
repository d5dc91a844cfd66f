package dev.cellscope.cli.endpoint;

import dev.cellscope.live.testing.VethPair;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code replay --as responder} over raw Ethernet ({@code -i IF}): Bob's side of {@code mesh-transfer}'s
 * conversation 1 listening on one end of a veth pair, a live {@code endpoint put --transport eth} of Carol's
 * report.txt from a network namespace on the other end, to Bob's CellID at the MAC the replay printed.
 * Oracle as for the UDP test ({@link ReplayAsResponderTest}): the sample's {@code .truth.json}.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class ReplayAsResponderVethTest {
    private static VethPair veth;

    @TempDir
    Path dir;

    @BeforeAll
    static void pair() throws Exception {
        veth = VethPair.createOrSkip("UTCP-SBI over raw Ethernet on a veth pair");
    }

    @AfterAll
    static void remove() throws Exception {
        if (veth != null) veth.close();
    }

    @Test
    void aClientOverRawEthernetGetsTheCapturedAnswersAndItsPutSucceeds() throws Exception {
        ReplayAsResponderTest.Truth truth = ReplayAsResponderTest.truth();
        Path file = Files.write(dir.resolve("report.txt"), ReplayAsResponderTest.carolsReport(truth));
        try (Child replay = Child.start(dir, "replay-eth", List.of(), "replay", "-r", ReplayAsResponderTest.SAMPLE.toString(), "--as", "responder",
                "--stream", "1", "-i", veth.captureInterface, "--answer-timeout", "20")) {
            String mac = replay.await("node " + truth.bob() + " on eth " + veth.captureInterface + " ([0-9a-f]{2}(?::[0-9a-f]{2}){5}), replaying", 60);
            Child put = Child.start(dir, "put-eth", veth.inNamespace(), "endpoint", "put", file.toString(), "--to", truth.bob() + "@" + mac,
                    "--caps", "deflate,dedup", "--transport", "eth", "--iface", veth.sendInterface, "--key", dir.resolve("put.key").toString(),
                    "--store", dir.resolve("put-store").toString());
            assertEquals(0, put.finish(120), put.tail() + replay.tail());
            assertEquals(truth.root() + "\n", put.out());
            assertEquals(0, replay.finish(30), replay.tail());
            assertTrue(replay.out().contains("Messages: 4 live, 4 captured; no differences"), replay.out());
        }
    }
}
