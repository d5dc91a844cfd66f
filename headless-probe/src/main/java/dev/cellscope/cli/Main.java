package dev.cellscope.cli;

import dev.cellscope.cli.errors.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code cellscope} command. Errors reach the user as one line on stderr and a
 * non-zero exit code, never as a stack trace (set CELLSCOPE_DEBUG=1 to see one).
 */
@Command(name = "cellscope", mixinStandardHelpOptions = true, version = "cellscope 0.1.0",
        description = "Analyzer, probe and test peer for UTCP, Tether and UTCP-SBI.",
        subcommands = {ReadCommand.class, FieldsCommand.class, StatsCommand.class, PlotCommand.class, ProbeCommand.class, ReplayCommand.class, dev.cellscope.cli.endpoint.EndpointCommand.class, SamplesCommand.class, ExportCommand.class, CommandLine.HelpCommand.class})
public final class Main {

    /** Exit codes: 0 ok, 1 runtime failure (unreadable or damaged file), 2 usage error. */
    public static final int EXIT_FAILURE = UserError.EXIT_FAILURE, EXIT_USAGE = UserError.EXIT_USAGE;

    public static void main(String[] args) {
        // Library notices (e.g. "BLAKE3: native library not found") as one plain line on stderr.
        System.setProperty("java.util.logging.SimpleFormatter.format", "cellscope: %5$s%6$s%n");
        Console.install();
        // A failure in a background thread (a receive loop, a timer) is one line too; out of memory ends the run.
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            System.err.println("cellscope: internal error in " + t.getName() + ": " + e);
            if (e instanceof VirtualMachineError) Runtime.getRuntime().halt(EXIT_FAILURE);
        });
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof Console.ClosedOutput) return 0; // the reader of our output went away (`| head`): quietly done
            if (e instanceof UserError u) {
                cmd.getErr().println("cellscope: " + u.getMessage());
                return u.exitCode();
            }
            cmd.getErr().println("cellscope: internal error: " + e);
            if (System.getenv("CELLSCOPE_DEBUG") != null) e.printStackTrace(cmd.getErr());
            return EXIT_FAILURE;
        });
        cli.setParameterExceptionHandler((e, a) -> {
            e.getCommandLine().getErr().println("cellscope: " + e.getMessage());
            e.getCommandLine().getErr().println("Try '" + e.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            return EXIT_USAGE;
        });
        int exit = cli.execute(args);
        // Output printed through System.out (a PrintStream, which swallows errors) is checked here.
        String failure = Console.failure();
        if (failure != null) {
            cli.getErr().println("cellscope: " + failure);
            cli.getErr().flush();
            return Math.max(exit, EXIT_FAILURE);
        }
        return exit;
    }
}
