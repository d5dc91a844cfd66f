package dev.cellscope.cli;

import dev.cellscope.cli.errors.UserError;
import dev.cellscope.export.wireshark.WiresharkPlugin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code cellscope export}: files generated from cellscope's registries for other tools. */
@Command(name = "export", mixinStandardHelpOptions = true, description = "Generate files for other tools from cellscope's registries.",
        subcommands = ExportCommand.WiresharkPluginCommand.class)
public final class ExportCommand {

    /** {@code cellscope export wireshark-plugin -o cellscope.lua}: a thin face over {@link WiresharkPlugin}. */
    @Command(name = "wireshark-plugin", mixinStandardHelpOptions = true,
            description = "Write the Lua dissector for Wireshark and tshark (UTCP, Tether, UTCP-SBI) generated from "
                    + "cellscope's fields, experts and layouts. Install it in ~/.local/lib/wireshark/plugins/ or run "
                    + "tshark -X lua_script:FILE (docs/WIRESHARK.md).")
    static final class WiresharkPluginCommand implements Callable<Integer> {
        @Option(names = "-o", paramLabel = "FILE", description = "Where to write the plugin (- for standard output; default -).")
        String out = "-";

        @Override
        public Integer call() throws IOException {
            if (out.equals("-")) {
                try (Writer w = Console.stdout()) {
                    w.append(WiresharkPlugin.generate());
                } catch (Console.ClosedOutput e) {
                    return 0;
                }
                return 0;
            }
            try {
                WiresharkPlugin.write(Path.of(out));
            } catch (IOException e) {
                throw UserError.failure("cannot write " + out + ": " + e.getMessage());
            }
            return 0;
        }
    }
}
