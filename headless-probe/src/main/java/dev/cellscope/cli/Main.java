package dev.cellscope.cli;

import dev.cellscope.cli.errors.UserError;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

import java.util.Arrays;

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
        String outOfMemory = outOfMemory(); // made now: when the heap is full, building it could fail in its turn
        // Resolved now too: the first use of a class in this class's constant pool allocates, which failed in the
        // handler below under a full heap ("OutOfMemoryError thrown from the UncaughtExceptionHandler").
        Object resolve = outOfMemory;
        if (resolve instanceof VirtualMachineError || resolve instanceof OutOfMemoryError) throw new AssertionError();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            if (!(e instanceof VirtualMachineError)) {
                System.err.println("cellscope: internal error in " + t.getName() + ": " + e);
                return;
            }
            // Several threads (the reader, the verifiers) often run out at once: the first says so, once, and ends
            // the run; the others wait for that end rather than racing it (a halt could cut the line short).
            if (firstToHalt()) {
                reserve = null; // the headroom to print in
                try {
                    System.err.println(e instanceof OutOfMemoryError ? outOfMemory : "cellscope: internal error in " + t.getName() + ": " + e);
                    System.err.flush();
                } catch (Throwable ignored) {
                    // nothing more can be said
                }
                Runtime.getRuntime().halt(EXIT_FAILURE);
            }
            while (true) {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (Throwable ignored) {
                    // interrupted, or out of memory again: the first thread's halt ends the process
                }
            }
        });
        System.exit(run(args));
    }

    private static boolean halting; // guarded by Main.class

    /**
     * True for the first caller only. A plain monitor, not an AtomicBoolean: its first compareAndSet links a VarHandle,
     * which allocates, and this runs when the heap is full.
     */
    private static synchronized boolean firstToHalt() {
        if (halting) return false;
        halting = true;
        return true;
    }
    /** Heap kept back for the out-of-memory line: freed when it is needed, so that printing it cannot fail in its turn. */
    @SuppressWarnings("unused")
    private static volatile byte[] reserve = new byte[256 << 10];

    /** One line for a heap too small for the capture: the launcher caps single-pass commands' heap (scripts/env.sh). */
    static String outOfMemory() {
        return "cellscope: out of memory (heap limit " + (Runtime.getRuntime().maxMemory() >> 20)
                + " MiB): run again with a larger heap, e.g. CELLSCOPE_HEAP=2g ./cellscope ...";
    }

    public static int run(String... args) {
        CommandLine cli = commandLine(args);
        giveVersion(cli, Main.class.getAnnotation(Command.class).version());
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

    /**
     * The command line for these arguments. picocli builds its model of a command by reflection over
     * the annotated class (annotation proxies, every option's field and converter), and building all of
     * them was most of the CLI's start-up. When the first argument names a subcommand, only that one is
     * built, under a top-level command with Main's name, version and description: that subcommand parses,
     * prints its help and reports errors exactly as it would in the full tree (nothing of a parent is
     * inherited); {@code --version} alone needs no subcommand at all. Anything else (no argument, an option, {@code help}, a typo picocli suggests a
     * subcommand for) gets the full tree.
     */
    static CommandLine commandLine(String... args) {
        Command main = Main.class.getAnnotation(Command.class);
        boolean version = args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"));
        Class<?> only = args.length == 0 || version ? null : Arrays.stream(main.subcommands())
                .filter(sub -> sub != CommandLine.HelpCommand.class && names(sub).contains(args[0]))
                .findFirst().orElse(null);
        if (only == null && !version) return new CommandLine(new Main());
        CommandSpec top = CommandSpec.wrapWithoutInspection(new Main()).name(main.name()).version(main.version())
                .mixinStandardHelpOptions(main.mixinStandardHelpOptions());
        top.usageMessage().description(main.description());
        CommandLine cli = new CommandLine(top);
        if (only != null) cli.addSubcommand(only);
        return cli;
    }

    /** Every subcommand's {@code -V/--version} prints cellscope's version (it printed nothing: the version is Main's). */
    private static void giveVersion(CommandLine c, String[] version) {
        for (CommandLine sub : c.getSubcommands().values()) {
            if (sub.getCommandSpec().version().length == 0) sub.getCommandSpec().version(version);
            giveVersion(sub, version);
        }
    }

    private static java.util.List<String> names(Class<?> sub) {
        Command c = sub.getAnnotation(Command.class);
        if (c == null) return java.util.List.of();
        java.util.List<String> names = new java.util.ArrayList<>(Arrays.asList(c.aliases()));
        names.add(c.name());
        return names;
    }
}
