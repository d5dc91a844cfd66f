package dev.cellscope.gui.model;

import dev.cellscope.filter.DisplayFilter;

import java.util.List;

/**
 * A colouring rule as Wireshark has them: a name, a display filter over the field and expert
 * registries, and colours (CSS hex). The first rule a frame matches colours its row.
 */
public record ColourRule(String name, String filter, String background, String foreground) {

    /** The defaults: what a person looking at these protocols wants to see first. */
    public static final List<ColourRule> DEFAULTS = List.of(
            new ColourRule("Failed verification", "sbi.op == BLOCK_PUT && sbi.put.verified == 0", "#a40000", "#fff3f3"),
            new ColourRule("Grant overrun", "tether.analysis.overrun", "#ef2929", "#ffffff"),
            new ColourRule("Errors", "expert.severity >= error", "#cc0000", "#ffffff"),
            new ColourRule("Tap-loss gap", "expert.id == \"utcp.gap\" || expert.id == \"utcp.tap_missed\"", "#fce94f", "#2e3436"),
            new ColourRule("Retransmission", "utcp.analysis.retransmission", "#fcaf3e", "#2e3436"),
            new ColourRule("NACK", "utcp.flags.nack == 1 || tether.ctrl.tag == 4", "#ad7fa8", "#ffffff"),
            new ColourRule("Lamp", "tether.flags.lamp == 1", "#8ae234", "#2e3436"));

    /** The rule's filter, compiled (throws the parser's {@code FilterException} for a bad one). */
    public DisplayFilter compile() {
        return DisplayFilter.compile(filter);
    }
}
