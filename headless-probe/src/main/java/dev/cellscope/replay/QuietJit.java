package dev.cellscope.replay;

import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns off the JIT's optimising compiler (C2) for the rest of the process, through a compiler
 * directive added as {@code jcmd PID Compiler.directives_add} would. A C2 compilation takes a core for
 * milliseconds; on a machine with few cores (or with the JVM pinned to one, as the benchmark pins
 * every sender) that came out of the sending thread's time: about 1% of gaps a whole gap late at
 * 10 k pps, stalls of 5–9 ms. With C1 alone the send loop is as fast as it needs to be (a system call
 * per batch dominates) and p99 fell to about 15 µs (bench/README.md). Methods already compiled by C2
 * stay compiled; the others are compiled by C1 only.
 */
final class QuietJit {
    private QuietJit() {}

    /** Adds the directive; false (and nothing changed) where the JVM offers no DiagnosticCommand MBean. */
    static boolean noC2() {
        Path file = null;
        try {
            file = Files.createTempFile("cellscope-replay-jit", ".json");
            Files.writeString(file, "[{match: \"*.*\", c2: {Exclude: true}}]");
            Object added = ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "compilerDirectivesAdd", new Object[]{new String[]{file.toString()}}, new String[]{String[].class.getName()});
            return String.valueOf(added).contains("1 compiler directives added");
        } catch (Exception e) {
            return false; // a JVM without the MBean or the directive: the replay runs, with C2
        } finally {
            if (file != null) {
                try {
                    Files.deleteIfExists(file);
                } catch (java.io.IOException ignored) {
                    // a temporary file left in /tmp
                }
            }
        }
    }
}
