package dev.cellscope.cli;

import dev.cellscope.expert.ExpertRegistry;
import dev.cellscope.field.FieldDef;
import dev.cellscope.field.FieldRegistry;
import dev.cellscope.output.FieldTable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.Writer;
import java.util.concurrent.Callable;

/** {@code cellscope fields}: the field registry, like {@code tshark -G fields}; with {@code --experts} the expert registry. */
@Command(name = "fields", mixinStandardHelpOptions = true, description = "List every field cellscope knows.")
public final class FieldsCommand implements Callable<Integer> {

    @Option(names = "--markdown", description = "Print the Markdown table used in docs/FIELDS.md.")
    boolean markdown;

    @Option(names = "--experts", description = "Print every kind of expert finding: the Markdown of docs/EXPERTS.md.")
    boolean experts;

    @Override
    public Integer call() {
        try (Writer out = Console.stdout()) {
            if (experts) {
                out.append(ExpertRegistry.markdown());
            } else if (markdown) {
                out.append(FieldTable.markdown());
            } else {
                for (FieldDef f : FieldRegistry.all()) {
                    out.append(f.name()).append('\t').append(f.type().name().toLowerCase()).append('\t')
                            .append(f.title()).append('\t').append(f.description()).append('\n');
                }
            }
        } catch (Console.ClosedOutput e) {
            return 0;
        } catch (java.io.IOException e) {
            return Main.EXIT_FAILURE;
        }
        return 0;
    }
}
