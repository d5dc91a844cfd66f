package dev.cellscope.nativetap.dpdk;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a cellscope killed with SIGKILL left of DPDK (its runtime directory and its log) goes at the next EAL start;
 * what a running process has stays (review: /var/run/dpdk/cellscope-PID/ and /tmp/cellscope-dpdk-PID-*.log piled up).
 * Fails when nothing is removed at start.
 */
class RuntimeLeftoversTest {
    @TempDir
    Path runtime, tmp;

    @Test
    void theLeftoversOfDeadProcessesGoAndThoseOfLiveOnesStay() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        long dead = p.pid(), self = ProcessHandle.current().pid(), parent = ProcessHandle.current().parent().orElseThrow().pid();
        Path deadDir = Files.createDirectories(runtime.resolve("cellscope-" + dead));
        Files.writeString(deadDir.resolve("config"), "x"); // what a killed run may have left in it
        Path ownDir = Files.createDirectories(runtime.resolve("cellscope-" + self));
        Path liveDir = Files.createDirectories(runtime.resolve("cellscope-" + parent));
        Path otherDir = Files.createDirectories(runtime.resolve("rte"));
        Path deadLog = Files.writeString(tmp.resolve("cellscope-dpdk-" + dead + "-123456.log"), "log");
        Path liveLog = Files.writeString(tmp.resolve("cellscope-dpdk-" + parent + "-1.log"), "log");
        Path otherFile = Files.writeString(tmp.resolve("cellscope-dpdk-notapid-1.log"), "log");

        RuntimeLeftovers.removeThoseOfDeadProcesses(runtime, tmp);

        assertFalse(Files.exists(deadDir), "a dead process's runtime directory");
        assertFalse(Files.exists(deadLog), "a dead process's log");
        for (Path kept : new Path[]{ownDir, liveDir, otherDir, liveLog, otherFile}) assertTrue(Files.exists(kept), kept.toString());
    }

    @Test
    void missingDirectoriesAreNothingToRemove() {
        RuntimeLeftovers.removeThoseOfDeadProcesses(runtime.resolve("none"), tmp.resolve("none"));
    }
}
