package dev.cellscope.output;

import dev.cellscope.field.FieldDef;
import dev.cellscope.field.FieldRegistry;

import java.util.Locale;

/** The registry as documentation: the Markdown table in docs/FIELDS.md. */
public final class FieldTable {
    private FieldTable() {}

    public static String markdown() {
        StringBuilder b = new StringBuilder();
        b.append("# cellscope fields\n\n")
                .append("Generated from the field registry by `./cellscope fields --markdown`; do not edit by hand.\n")
                .append("Types say how values print in `-T fields`, JSON and filters: `uint` decimal, `uint_hex` 0x-padded hex,\n")
                .append("`enum` decimal (named in the tree), `symbol` by name, `boolean` 1/0, `bytes`/`cellid` lowercase hex,\n")
                .append("`ether`/`tether_id` colon-separated octets, `abstime` epoch seconds, `reltime` seconds.\n");
        String protocol = null;
        for (FieldDef f : FieldRegistry.all()) {
            if (!f.protocol().equals(protocol)) {
                protocol = f.protocol();
                b.append("\n## ").append(protocol).append("\n\n| field | type | title | description |\n|---|---|---|---|\n");
            }
            b.append("| `").append(f.name()).append("` | ").append(f.type().name().toLowerCase(Locale.ROOT)).append(" | ")
                    .append(f.title()).append(" | ").append(f.description().replace("|", "\\|")).append(" |\n");
        }
        return b.toString();
    }
}
