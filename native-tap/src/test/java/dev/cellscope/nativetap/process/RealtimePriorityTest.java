package dev.cellscope.nativetap.process;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The calling thread's scheduling policy, read back from the kernel ({@code /proc/thread-self/stat}, field 41). */
class RealtimePriorityTest {

    static int policy() throws Exception {
        String stat = Files.readString(Path.of("/proc/thread-self/stat"));
        String[] after = stat.substring(stat.lastIndexOf(')') + 2).split(" "); // fields from 3 on
        return Integer.parseInt(after[41 - 3]);
    }

    @Test
    void fifoThenNormalForTheCallingThreadOnly() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "SCHED_FIFO needs root or CAP_SYS_NICE; running as " + System.getProperty("user.name"));
        int[] other = new int[1];
        try {
            assertTrue(RealtimePriority.fifo(2));
            assertEquals(1, policy(), "SCHED_FIFO");
            Thread t = Thread.ofPlatform().unstarted(() -> {
                try {
                    other[0] = policy();
                } catch (Exception e) {
                    other[0] = -1;
                }
            });
            // a thread started by a real-time one inherits its policy: what the replay's reader thread undoes
            t.start();
            t.join();
            assertEquals(1, other[0], "inherited");
        } finally {
            assertTrue(RealtimePriority.normal());
        }
        assertEquals(0, policy(), "SCHED_OTHER again");
    }
}
