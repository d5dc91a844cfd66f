package dev.cellscope.gui;

import dev.cellscope.gui.model.ColourRule;

import java.util.List;

/** Tests' access to the saved preferences, to check them and put the defaults back. */
final class ColourRuleStoreAccess {
    private ColourRuleStoreAccess() {}

    static List<ColourRule> defaults() {
        return ColourRule.DEFAULTS;
    }

    static List<ColourRule> load() {
        return new ColourRuleStore().load();
    }

    static void reset() throws Exception {
        new ColourRuleStore().save(ColourRule.DEFAULTS);
        var s = java.util.prefs.Preferences.userRoot().node("dev/cellscope/gui/settings");
        s.remove("time");
        s.flush();
    }
}
