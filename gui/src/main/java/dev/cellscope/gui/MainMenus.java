package dev.cellscope.gui;

import dev.cellscope.gui.view.DetailPane;
import javafx.scene.control.Button;
import javafx.scene.control.Menu;
import javafx.scene.control.MenuBar;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SeparatorMenuItem;
import javafx.scene.control.ToolBar;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;

/**
 * The main window's menu bar and toolbar: every command with its Wireshark shortcut and the node id
 * the GUI tests click; the commands themselves are the window's.
 */
final class MainMenus {
    private final MainWindow w;

    MainMenus(MainWindow w) {
        this.w = w;
    }

    MenuBar menuBar() {
        MenuItem open = item("_Open…", "menu-open", new KeyCodeCombination(KeyCode.O, KeyCombination.SHORTCUT_DOWN), w::chooseOpen);
        MenuItem save = item("Save _As pcapng…", "menu-save", new KeyCodeCombination(KeyCode.S, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN), w::chooseSave);
        MenuItem csv = item("Export _flows CSV…", "menu-export-csv", null, w::chooseExportFlows);
        MenuItem quit = item("_Quit", "menu-quit", new KeyCodeCombination(KeyCode.Q, KeyCombination.SHORTCUT_DOWN), w.stage()::close);
        w.fillRecent();
        Menu file = new Menu("_File", null, open, w.recentMenu, new SeparatorMenuItem(), save, csv, new SeparatorMenuItem(), quit);
        MenuItem findItem = item("_Find Packet…", "menu-find", new KeyCodeCombination(KeyCode.F, KeyCombination.SHORTCUT_DOWN), () -> w.showJump(w.find));
        MenuItem goItem = item("_Go to Packet…", "menu-goto", new KeyCodeCombination(KeyCode.G, KeyCombination.SHORTCUT_DOWN), () -> w.showJump(w.goTo));
        MenuItem next = item("Next Packet", "menu-next", new KeyCodeCombination(KeyCode.DOWN, KeyCombination.SHORTCUT_DOWN), () -> w.step(1));
        MenuItem prev = item("Previous Packet", "menu-prev", new KeyCodeCombination(KeyCode.UP, KeyCombination.SHORTCUT_DOWN), () -> w.step(-1));
        MenuItem first = item("First Packet", "menu-first", new KeyCodeCombination(KeyCode.HOME, KeyCombination.SHORTCUT_DOWN), () -> w.selectRow(0));
        MenuItem last = item("Last Packet", "menu-last", new KeyCodeCombination(KeyCode.END, KeyCombination.SHORTCUT_DOWN), () -> w.selectRow(w.table().getItems().size() - 1));
        MenuItem nextConv = item("Next Packet in Conversation", "menu-next-conversation",
                new KeyCodeCombination(KeyCode.RIGHT, KeyCombination.SHORTCUT_DOWN), () -> w.stepInConversation(1));
        MenuItem prevConv = item("Previous Packet in Conversation", "menu-prev-conversation",
                new KeyCodeCombination(KeyCode.LEFT, KeyCombination.SHORTCUT_DOWN), () -> w.stepInConversation(-1));
        w.liveItem.setId("menu-live");
        w.liveItem.setAccelerator(new KeyCodeCombination(KeyCode.E, KeyCombination.SHORTCUT_DOWN));
        w.liveItem.setOnAction(e -> w.chooseLive());
        Menu captureMenu = new Menu("_Capture", null, w.liveItem);
        MenuItem prefs = item("_Preferences…", "menu-preferences",
                new KeyCodeCombination(KeyCode.P, KeyCombination.SHORTCUT_DOWN, KeyCombination.SHIFT_DOWN), w::openPreferences);
        Menu edit = new Menu("_Edit", null, prefs);
        Menu go = new Menu("_Go", null, findItem, goItem, new SeparatorMenuItem(), next, prev, nextConv, prevConv, first, last);
        MenuItem expert = item("_Expert Information", "menu-expert", null, w::openExpert);
        MenuItem flows = item("_Conversations and Flows", "menu-flows", null, w::openFlows);
        MenuItem plots = item("_Plots (NACK, grants, seq, I/O)", "menu-plots", null, w::openPlots);
        Menu stats = new Menu("_Statistics", null, expert, flows, plots);
        MenuItem follow = item("_Follow UTCP Stream", "menu-follow",
                new KeyCodeCombination(KeyCode.U, KeyCombination.SHORTCUT_DOWN, KeyCombination.ALT_DOWN, KeyCombination.SHIFT_DOWN),
                w::openFollow);
        MenuItem applySelected = item("_Apply selected field as filter", "menu-apply-field", null, () -> {
            var item = w.detail().tree().getSelectionModel().getSelectedItem();
            if (item != null) w.applyFilter(DetailPane.filterFor(item.getValue()));
        });
        Menu analyze = new Menu("_Analyze", null, applySelected, follow);
        return new MenuBar(file, edit, go, captureMenu, analyze, stats);
    }

    ToolBar toolBar() {
        return new ToolBar(button("Open", "tool-open", "Open a capture (Ctrl+O)", w::chooseOpen),
                button("Save As", "tool-save", "Save the displayed frames as pcapng (Ctrl+Shift+S)", w::chooseSave),
                button("Export CSV", "tool-csv", "Export the flow tables as CSV (as cellscope stats)", w::chooseExportFlows),
                button("Capture", "tool-live", "Start or stop a live capture (Ctrl+E)", w::chooseLive),
                button("Find", "tool-find", "Find a frame by text (Ctrl+F)", () -> w.showJump(w.find)),
                button("Go to", "tool-goto", "Go to a frame by number (Ctrl+G)", () -> w.showJump(w.goTo)),
                button("Follow", "tool-follow", "Follow the selected frame's UTCP stream (Ctrl+Alt+Shift+U)", w::openFollow),
                button("Expert", "tool-expert", "Expert information", w::openExpert),
                button("Flows", "tool-flows", "Conversations and flows", w::openFlows),
                button("Plots", "tool-plots", "NACK, grant, seq and I/O plots", w::openPlots));
    }

    private static MenuItem item(String text, String id, KeyCombination key, Runnable action) {
        MenuItem m = new MenuItem(text);
        m.setId(id);
        if (key != null) m.setAccelerator(key);
        m.setOnAction(e -> action.run());
        return m;
    }

    private static Button button(String text, String id, String tip, Runnable action) {
        Button b = new Button(text);
        b.setId(id);
        b.setTooltip(new Tooltip(tip));
        b.setOnAction(e -> action.run());
        return b;
    }
}
