package dev.cellscope.gui;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.prefs.Preferences;

/**
 * A most-recent-first list of ten, kept in the user's preferences: File > Open Recent ("recent")
 * and the display-filter history ("filters").
 */
final class RecentFiles {
    private static final int MAX = 10;
    private final Preferences prefs;

    RecentFiles(String name) {
        prefs = Preferences.userRoot().node("dev/cellscope/gui/" + name);
    }

    List<String> list() {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < MAX; i++) {
            String p = prefs.get("item" + i, null);
            if (p != null) out.add(p);
        }
        return out;
    }

    List<Path> paths() {
        return list().stream().map(Path::of).toList();
    }

    void add(Path file) {
        add(file.toAbsolutePath().normalize().toString());
    }

    void remove(String item) {
        List<String> now = list();
        now.remove(item);
        store(now);
    }

    void add(String item) {
        if (item.isEmpty()) return;
        List<String> now = list();
        now.remove(item);
        now.addFirst(item);
        store(now);
    }

    private void store(List<String> now) {
        for (int i = 0; i < MAX; i++) {
            if (i < now.size()) prefs.put("item" + i, now.get(i));
            else prefs.remove("item" + i);
        }
        try {
            prefs.flush();
        } catch (java.util.prefs.BackingStoreException | SecurityException ignored) {
            // a read-only home: the list lasts this session only
        }
    }
}
