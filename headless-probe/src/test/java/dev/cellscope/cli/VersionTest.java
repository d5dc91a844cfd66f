package dev.cellscope.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code --version} on a subcommand prints cellscope's version, as on the command itself (user review: it printed nothing). */
class VersionTest {
    @Test
    void subcommandsPrintTheVersion() throws Exception {
        for (String[] args : new String[][]{{"--version"}, {"replay", "-V"}, {"stats", "--version"}, {"endpoint", "put", "--version"}}) {
            Cli.Result r = Cli.run(args);
            assertEquals(0, r.exit(), String.join(" ", args) + ": " + r.err());
            assertEquals("cellscope 0.1.0\n", r.out(), String.join(" ", args));
        }
    }
}
