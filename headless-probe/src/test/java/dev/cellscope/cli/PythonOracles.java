package dev.cellscope.cli;

import org.junit.jupiter.api.Assumptions;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The independent oracles written in Python from the documents alone ({@code src/test/python}: an encoder, an SBI and a
 * Tether peer, a tun writer): where they are, and the skip, with its reason, when this machine cannot run them
 * ({@code ./run-tests} installs python3 and the tools they call). Never a silent pass.
 */
public final class PythonOracles {
    public static final String PYTHON = "/usr/bin/python3";

    private PythonOracles() {}

    /** The script {@code name} in src/test/python. */
    public static Path script(String name) {
        return Path.of("src", "test", "python", name).toAbsolutePath();
    }

    /** Skips the calling test unless python3 and every one of {@code tools} (Debian package of the same name) are here. */
    public static void assumeRunnable(String what, String... tools) {
        Assumptions.assumeTrue(Files.isExecutable(Path.of(PYTHON)), "python3 not installed (./run-tests installs it): no " + what + " to run");
        for (String tool : tools) {
            Assumptions.assumeTrue(onPath(tool), tool + " not installed (Debian package " + tool
                    + "; ./run-tests installs it): the " + what + " calls it");
        }
    }

    private static boolean onPath(String tool) {
        for (String d : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) return true;
        }
        return false;
    }
}
