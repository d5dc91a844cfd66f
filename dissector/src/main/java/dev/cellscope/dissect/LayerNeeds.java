package dev.cellscope.dissect;

import dev.cellscope.field.FieldDef;
import dev.cellscope.field.TetherFields;
import dev.cellscope.field.UtcpFields;

/**
 * Which layers a sink that reads only some fields must have decoded. Only the costly upper
 * layers are ever skipped; a skipped UTCP or Tether layer still reports its protocol item, so
 * presence tests ({@code tether}, {@code !utcp}) need no decoding.
 */
public final class LayerNeeds {
    private LayerNeeds() {}

    /** True when decoding {@code layer} is needed to report {@code field}. */
    public static boolean needs(FieldDef layer, FieldDef field) {
        return switch (layer.name()) {
            case "utcp" -> (field.protocol().equals("utcp") && field != UtcpFields.UTCP) || field.protocol().equals("sbi");
            case "tether" -> field.protocol().equals("tether") && field != TetherFields.TETHER;
            case "sbi" -> field.protocol().equals("sbi");
            default -> true;
        };
    }
}
