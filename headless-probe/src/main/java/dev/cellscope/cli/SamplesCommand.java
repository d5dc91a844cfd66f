package dev.cellscope.cli;

import dev.cellscope.cli.errors.UserError;
import dev.cellscope.samples.Scenarios;
import dev.cellscope.samples.SyntheticCaptures;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.Writer;
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

    /** Largest --size: 20 times the default, about 30 GB of capture at the samples' 1.1-1.5 KB a frame. */
    static final long MAX_SIZE = 20_000_000;

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the sample captures.")
    static final class ListSamples implements Callable<Integer> {
        @Override
        public Integer call() {
            StringBuilder b = new StringBuilder();
            for (String name : Scenarios.NAMES) {
                b.append(String.format("%-20s %s%s%n", name, Scenarios.COMMITTED.contains(name) ? "[committed] " : "", Scenarios.describe(name)));
            }
            for (String name : SyntheticCaptures.NAMES) {
                b.append(String.format("%-20s [codec-built] %s%n", name, SyntheticCaptures.describe(name)));
            }
            try (Writer out = Console.stdout()) {
                out.append(b);
            } catch (IOException e) {
                throw Console.writeFailed(e);
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

        @Option(names = "--seed", paramLabel = "N", description = "Seed of the generator (default: the committed sample's, 1 for most).")
        Long seed;

        @Override
        public Integer call() {
            if (frames < 0 || frames > MAX_SIZE) throw UserError.usage("--size must be 0 to " + MAX_SIZE + " frames, got " + frames);
            boolean scenario = Scenarios.NAMES.contains(name);
            if (!scenario && !SyntheticCaptures.NAMES.contains(name)) {
                throw UserError.usage("no sample named '" + name + "' (samples list shows them)");
            }
            // Both files are written under temporary names and renamed once complete: a failed or
            // interrupted run (a full disk) leaves neither a partial file nor a damaged older one.
            try (OutputFile capture = OutputFile.of(out, "-o");
                 OutputFile truth = scenario ? OutputFile.of(Scenarios.truthPath(out), "-o") : null) {
                try {
                    if (scenario) Scenarios.generate(name, capture.path(), truth.path(), frames, seed != null ? seed : Scenarios.defaultSeed(name));
                    else SyntheticCaptures.generate(name, capture.path(), frames, seed != null ? seed : Scenarios.DEFAULT_SEED);
                } catch (IOException e) {
                    throw capture.cannotWrite(e);
                }
                if (truth != null) truth.commit();
                capture.commit();
            }
            if (scenario) System.err.println("wrote " + out + " and " + Scenarios.truthPath(out));
            return 0;
        }
    }
}
