package dev.cellscope.gui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.prefs.Preferences;

/** File > Open Recent: the last ten captures opened, kept in the user's preferences. */
final class RecentFiles {
    private static final int MAX = 10;
    private final Preferences prefs = Preferences.userRoot().node("dev/cellscope/gui/recent");

    List<Path> list() {
        List<Path> out = new ArrayList<>();
        for (int i = 0; i < MAX; i++) {
            String p = prefs.get("file" + i, null);
            if (p != null) out.add(Path.of(p));
        }
        return out;
    }

    void add(Path file) {
        List<Path> now = list();
        Path abs = file.toAbsolutePath().normalize();
        now.remove(abs);
        now.addFirst(abs);
        for (int i = 0; i < MAX; i++) {
            if (i < now.size()) prefs.put("file" + i, now.get(i).toString());
            else prefs.remove("file" + i);
        }
        try {
            prefs.flush();
        } catch (java.util.prefs.BackingStoreException | SecurityException ignored) {
            // a read-only home: the list lasts this session only
        }
    }
}
