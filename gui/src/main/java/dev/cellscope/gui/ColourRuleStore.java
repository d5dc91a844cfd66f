package dev.cellscope.gui;

import dev.cellscope.gui.model.ColourRule;

import java.util.ArrayList;
import java.util.List;
import java.util.prefs.Preferences;

/**
 * The colouring rules as edited in Preferences, kept in the user's preferences (as Wireshark keeps
 * its colorfilters file); the defaults until the user saves others, and again after "Restore defaults".
 * A saved rule whose filter no longer compiles is left out, not fatal.
 */
final class ColourRuleStore {
    private final Preferences prefs = Preferences.userRoot().node("dev/cellscope/gui/colours");

    List<ColourRule> load() {
        int n = prefs.getInt("count", -1);
        if (n < 0) return ColourRule.DEFAULTS;
        List<ColourRule> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ColourRule r = new ColourRule(prefs.get(i + ".name", ""), prefs.get(i + ".filter", ""),
                    prefs.get(i + ".background", "#ffffff"), prefs.get(i + ".foreground", "#000000"));
            try {
                r.compile();
                out.add(r);
            } catch (RuntimeException e) {
                // the filter language changed under a saved rule: skip it
            }
        }
        return List.copyOf(out);
    }

    void save(List<ColourRule> rules) {
        try {
            prefs.clear();
            if (!rules.equals(ColourRule.DEFAULTS)) {
                prefs.putInt("count", rules.size());
                for (int i = 0; i < rules.size(); i++) {
                    ColourRule r = rules.get(i);
                    prefs.put(i + ".name", r.name());
                    prefs.put(i + ".filter", r.filter());
                    prefs.put(i + ".background", r.background());
                    prefs.put(i + ".foreground", r.foreground());
                }
            }
            prefs.flush();
        } catch (java.util.prefs.BackingStoreException | SecurityException ignored) {
            // a read-only home: the rules last this session only
        }
    }
}
