package dev.cellscope.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Issue 17, item 1: {@code Main} builds picocli's model of the one subcommand named (or none for
 * {@code --version}) instead of every command's. What a user sees must not change: each subcommand
 * built alone prints the same help, the same version and the same errors as in the full tree.
 */
class LazyCommandLineTest {
    private static final CommandLine FULL = new CommandLine(new Main());

    @Test
    void eachSubcommandBuiltAlonePrintsTheSameHelpAsInTheFullTree() {
        Map<String, CommandLine> subs = FULL.getSubcommands();
        assertTrue(subs.keySet().containsAll(List.of("read", "fields", "stats", "plot", "probe", "endpoint", "samples", "export")),
                "subcommands: " + subs.keySet());
        for (Map.Entry<String, CommandLine> e : subs.entrySet()) {
            if (e.getKey().equals("help")) continue;
            CommandLine alone = Main.commandLine(e.getKey(), "-h");
            assertEquals(List.of(e.getKey()), List.copyOf(alone.getSubcommands().keySet()), "only " + e.getKey() + " is built");
            assertSameUsage(e.getValue(), alone.getSubcommands().get(e.getKey()));
        }
    }

    /** {@code X --help} and {@code X -h} print X's usage for every command and nested command (read's -V clash once hid them). */
    @Test
    void everyCommandTakesHelpOptions() throws Exception {
        java.util.List<java.util.List<String>> commands = new java.util.ArrayList<>();
        collect(FULL, java.util.List.of(), commands);
        assertTrue(commands.size() >= 10, "commands: " + commands);
        java.util.List<String> failures = new java.util.ArrayList<>();
        for (java.util.List<String> path : commands) {
            for (String help : java.util.List.of("--help", "-h")) {
                java.util.List<String> args = new java.util.ArrayList<>(path);
                args.add(help);
                Cli.Result r = Cli.run(args.toArray(String[]::new));
                if (r.exit() != 0 || !r.out().startsWith("Usage: cellscope " + String.join(" ", path))) {
                    failures.add(args + ": exit " + r.exit() + " " + r.err().strip());
                }
            }
        }
        assertTrue(failures.isEmpty(), String.join("\n", failures));
    }

    private static void collect(CommandLine cli, java.util.List<String> path, java.util.List<java.util.List<String>> out) {
        for (Map.Entry<String, CommandLine> e : cli.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) continue;
            java.util.List<String> sub = new java.util.ArrayList<>(path);
            sub.add(e.getKey());
            out.add(sub);
            collect(e.getValue(), sub, out);
        }
    }

    /** Usage of a command and of its nested subcommands (endpoint serve, samples generate, ...). */
    private static void assertSameUsage(CommandLine expected, CommandLine actual) {
        assertEquals(expected.getCommandSpec().qualifiedName(), actual.getCommandSpec().qualifiedName());
        assertEquals(expected.getUsageMessage(CommandLine.Help.Ansi.OFF), actual.getUsageMessage(CommandLine.Help.Ansi.OFF),
                expected.getCommandSpec().qualifiedName());
        assertEquals(expected.getSubcommands().keySet(), actual.getSubcommands().keySet());
        for (String nested : expected.getSubcommands().keySet()) {
            assertSameUsage(expected.getSubcommands().get(nested), actual.getSubcommands().get(nested));
        }
    }

    @Test
    void versionAloneBuildsNoSubcommandAndPrintsTheSameVersion() {
        for (String option : List.of("--version", "-V")) {
            CommandLine alone = Main.commandLine(option);
            assertTrue(alone.getSubcommands().isEmpty());
            assertEquals(version(FULL), version(alone));
            assertTrue(alone.parseArgs(option).isVersionHelpRequested(), option);
        }
        assertTrue(version(FULL).startsWith("cellscope "), version(FULL));
    }

    private static String version(CommandLine cli) {
        StringWriter out = new StringWriter();
        cli.printVersionHelp(new PrintWriter(out, true));
        return out.toString();
    }

    @Test
    void anythingButASubcommandGetsTheFullTree() {
        for (String[] args : List.of(new String[0], new String[]{"--help"}, new String[]{"help", "read"},
                new String[]{"raed", "-r", "x"}, new String[]{"--version", "read"})) {
            assertEquals(FULL.getSubcommands().keySet(), Main.commandLine(args).getSubcommands().keySet(), String.join(" ", args));
        }
        assertEquals(FULL.getUsageMessage(CommandLine.Help.Ansi.OFF),
                Main.commandLine("--help").getUsageMessage(CommandLine.Help.Ansi.OFF));
    }

    @Test
    void errorsInASubcommandReadTheSame() {
        for (String[] args : List.of(new String[]{"read", "--no-such-option"}, new String[]{"read", "-c", "many"},
                new String[]{"samples", "generate"}, new String[]{"stats", "-r"})) {
            ParameterException full = assertThrows(ParameterException.class, () -> new CommandLine(new Main()).parseArgs(args));
            ParameterException alone = assertThrows(ParameterException.class, () -> Main.commandLine(args).parseArgs(args));
            assertEquals(full.getMessage(), alone.getMessage(), String.join(" ", args));
            assertEquals(full.getCommandLine().getCommandSpec().qualifiedName(), alone.getCommandLine().getCommandSpec().qualifiedName());
        }
    }
}
