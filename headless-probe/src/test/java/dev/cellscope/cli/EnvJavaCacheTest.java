package dev.cellscope.cli;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 17, item 1: sourcing scripts/env.sh starts no JVM once it has learnt a JDK's version; the
 * answer is cached keyed on the JDK's path and its bin/java and lib/modules, and asked again when
 * they change. Checked with a fake JDK whose `java` counts its calls.
 */
class EnvJavaCacheTest {
    static final Path ENV = Path.of("..", "scripts", "env.sh").toAbsolutePath().normalize();

    /** A fake JDK reporting {@code version}: bin/java appends a line to `calls` each time it runs. */
    private static Path fakeJdk(Path dir, String version) throws Exception {
        Files.createDirectories(dir.resolve("bin"));
        Files.createDirectories(dir.resolve("lib"));
        Files.writeString(dir.resolve("lib/modules"), "fake");
        Path java = dir.resolve("bin/java");
        Files.writeString(java, "#!/bin/sh\necho called >> '" + dir.resolve("calls") + "'\n"
                + "echo '    java.specification.version = " + version + "' >&2\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir;
    }

    /** JAVA_HOME env.sh settles on, with `home` as the JAVA_HOME it is given. */
    private static String source(Path home, Path cache) throws Exception {
        Cli.Result r = Cli.tool("env", "JAVA_HOME=" + home, "XDG_CACHE_HOME=" + cache, "bash", "-c",
                "set -euo pipefail; . '" + ENV + "' >/dev/null 2>&1 || exit 99; echo \"$JAVA_HOME\"");
        Assumptions.assumeTrue(r != null, "no bash");
        Assumptions.assumeTrue(r.exit() != 99, "scripts/env.sh cannot run here (no Java 25 or Maven): " + r.err());
        assertEquals(0, r.exit(), r.err());
        return r.out().strip();
    }

    private static long calls(Path jdk) throws Exception {
        Path calls = jdk.resolve("calls");
        return Files.exists(calls) ? Files.readAllLines(calls).size() : 0;
    }

    @Test
    void aJdksVersionIsAskedOnceAndAgainWhenTheJdkChanges(@TempDir Path tmp) throws Exception {
        Path jdk = fakeJdk(tmp.resolve("jdk-25"), "25"), cache = tmp.resolve("cache");
        assertEquals(jdk.toString(), source(jdk, cache));
        assertEquals(1, calls(jdk));
        assertTrue(Files.readString(cache.resolve("cellscope/java-versions")).contains(jdk + " "), "cached under the JDK's path");

        assertEquals(jdk.toString(), source(jdk, cache));
        assertEquals(1, calls(jdk), "the second time no JVM is started");

        // An upgrade in place: bin/java changes, and the JDK is asked again (then remembered again).
        Files.setLastModifiedTime(jdk.resolve("bin/java"), FileTime.from(Instant.now().plusSeconds(60)));
        assertEquals(jdk.toString(), source(jdk, cache));
        assertEquals(2, calls(jdk));
        Files.writeString(jdk.resolve("lib/modules"), "another build");
        assertEquals(jdk.toString(), source(jdk, cache));
        assertEquals(3, calls(jdk));
        assertEquals(jdk.toString(), source(jdk, cache));
        assertEquals(3, calls(jdk));
    }

    @Test
    void anOlderJdkIsSkippedFromTheCacheToo(@TempDir Path tmp) throws Exception {
        Path jdk = fakeJdk(tmp.resolve("jdk-17"), "17"), cache = tmp.resolve("cache");
        assertNotEquals(jdk.toString(), source(jdk, cache), "Java 17 is not enough");
        assertNotEquals(jdk.toString(), source(jdk, cache));
        assertEquals(1, calls(jdk), "its version is remembered as well");
    }

    @Test
    void anUnwritableCacheOnlyMeansAskingEachTime(@TempDir Path tmp) throws Exception {
        Path jdk = fakeJdk(tmp.resolve("jdk-25"), "25");
        Path cache = Path.of("/proc/self/no-such-dir");
        assertEquals(jdk.toString(), source(jdk, cache));
        assertEquals(jdk.toString(), source(jdk, cache));
        assertEquals(2, calls(jdk));
    }
}
