package dev.cellscope.cli;

import dev.cellscope.cli.errors.UserError;
import dev.cellscope.samples.Scenarios;
import dev.cellscope.samples.SyntheticCaptures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code cellscope samples}: list and (re)generate the sample captures. */
@Command(name = "samples", mixinStandardHelpOptions = true, description = "List or generate sample captures.",
        subcommands = {SamplesCommand.ListSamples.class, SamplesCommand.Generate.class})
public final class SamplesCommand implements Callable<Integer> {

    @Option(names = "--list", description = "List the sample captures (same as 'samples list').")
    boolean list;

    @Override
    public Integer call() {
        if (!list) throw UserError.usage("samples needs --list, 'list' or 'generate NAME -o FILE'");
        return new ListSamples().call();
    }

    @Command(name = "list", description = "List the sample captures.")
    static final class ListSamples implements Callable<Integer> {
        @Override
        public Integer call() {
            for (String name : Scenarios.NAMES) {
                System.out.printf("%-20s %s%s%n", name, Scenarios.COMMITTED.contains(name) ? "[committed] " : "", Scenarios.describe(name));
            }
            for (String name : SyntheticCaptures.NAMES) {
                System.out.printf("%-20s [codec-built] %s%n", name, SyntheticCaptures.describe(name));
            }
            return 0;
        }
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Write a sample capture as pcapng (scenarios also write FILE's .truth.json ground truth).")
    static final class Generate implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "NAME", description = "Sample name (see 'samples list').")
        String name;

        @Option(names = "-o", required = true, paramLabel = "FILE", description = "Output pcapng file.")
        Path out;

        // --frames is the option's former name, still accepted so existing scripts keep working.
        @Option(names = {"--size", "--frames"}, paramLabel = "N", description = "Frames to generate (big-transfer and the codec-built bulk samples; default 1000000; other scenarios have a fixed size).")
        long frames = 1_000_000;

        @Option(names = "--seed", paramLabel = "N", description = "Seed of the generator (default 1).")
        long seed = 1;

        @Override
        public Integer call() {
            if (frames < 0) throw UserError.usage("--size must not be negative");
            if (Scenarios.NAMES.contains(name)) {
                try {
                    Scenarios.generate(name, out, frames, seed);
                } catch (IOException e) {
                    throw UserError.failure(out + ": cannot write: " + e.getMessage());
                }
                System.err.println("wrote " + out + " and " + Scenarios.truthPath(out));
                return 0;
            }
            if (!SyntheticCaptures.NAMES.contains(name)) {
                throw UserError.usage("no sample named '" + name + "' (samples list shows them)");
            }
            try {
                SyntheticCaptures.generate(name, out, frames, seed);
            } catch (IOException e) {
                throw UserError.failure(out + ": cannot write: " + e.getMessage());
            }
            return 0;
        }
    }
}
