package dev.cellscope.cli;

import java.util.List;

/**
 * The workload the {@code cellscope} launcher trains the JVM's ahead-of-time cache with (JEP 483/514/515:
 * {@code -XX:AOTCacheOutput}): the commands people run on small captures, in one JVM, so that the cache
 * holds their classes loaded and linked, and their method profiles, whatever command came first. Not a
 * user command; its output is discarded by the launcher. A command that fails here only leaves its
 * classes out of the cache.
 *
 * <p>Usage: {@code java -XX:AOTCacheOutput=F -cp cellscope.jar dev.cellscope.cli.AotTraining CAPTURE}
 */
public final class AotTraining {
    private AotTraining() {}

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: AotTraining CAPTURE");
            System.exit(Main.EXIT_USAGE);
        }
        String capture = args[0];
        System.setProperty("java.util.logging.SimpleFormatter.format", "cellscope: %5$s%6$s%n");
        Console.install();
        List<List<String>> commands = List.of(
                List.of("--version"),
                List.of("--help"),
                List.of("read", "-r", capture),
                List.of("read", "-r", capture, "-V"),
                List.of("read", "-r", capture, "-x", "-c", "5"),
                List.of("read", "-r", capture, "-T", "fields", "-e", "frame.number", "-e", "utcp.seq", "-e", "tether.flow"),
                List.of("read", "-r", capture, "-T", "json", "-c", "5"),
                List.of("read", "-r", capture, "-Y", "utcp.flags.data == 1 && utcp.seq > 1 && !tether"),
                List.of("read", "-r", capture, "-q", "-z", "expert"));
        for (List<String> command : commands) Main.run(command.toArray(String[]::new));
        System.out.flush();
    }
}
