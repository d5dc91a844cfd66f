package dev.cellscope.gui.view;

import dev.cellscope.dissect.ProtoNode;
import dev.cellscope.gui.model.FrameDetail;
import javafx.scene.control.ContextMenu;
import javafx.scene.control.Label;
import javafx.scene.control.MenuItem;
import javafx.scene.control.SplitPane;
import javafx.scene.control.TextArea;
import javafx.scene.control.TreeCell;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeView;
import javafx.scene.layout.BorderPane;

import java.util.List;
import java.util.function.Consumer;

/**
 * The selected frame: its detail tree (from the field registry, findings in place) over its hex
 * dump, linked both ways: selecting a field highlights its bytes; clicking a byte selects the
 * deepest field that covers it.
 */
public final class DetailPane extends SplitPane {
    private final TreeView<ProtoNode> tree = new TreeView<>();
    private final TextArea hex = new TextArea();
    private final Label state = new Label();
    private FrameDetail detail;
    private boolean linking;

    public DetailPane(Consumer<String> applyFilter, Consumer<String> prepareFilter) {
        this(applyFilter, prepareFilter, f -> {});
    }

    /** {@code applyColumn} gets the field of "Apply as column". */
    public DetailPane(Consumer<String> applyFilter, Consumer<String> prepareFilter, Consumer<dev.cellscope.field.FieldDef> applyColumn) {
        setOrientation(javafx.geometry.Orientation.VERTICAL);
        tree.setId("detail-tree");
        tree.setShowRoot(false);
        hex.setId("hex-pane");
        hex.setEditable(false);
        hex.setStyle("-fx-font-family: 'monospace'; -fx-font-size: 12px; -fx-highlight-fill: #4a90d9; -fx-highlight-text-fill: white;");
        state.setId("detail-state");
        tree.setCellFactory(t -> new TreeCell<>() {
            @Override
            protected void updateItem(ProtoNode n, boolean empty) {
                super.updateItem(n, empty);
                setText(empty || n == null ? null : n.label());
                setStyle(n != null && !empty && n.expert() != null ? severityStyle(n) : "");
                setContextMenu(empty || n == null ? null : menu(n, applyFilter, prepareFilter, applyColumn));
            }
        });
        tree.getSelectionModel().selectedItemProperty().addListener((o, was, item) -> {
            if (item != null && !linking) highlight(item.getValue());
        });
        // a click (or cursor key) in the hex selects the field of that byte; looked at once the
        // selection has settled, so a drag that selects bytes is left alone
        hex.caretPositionProperty().addListener((o, was, caret) -> {
            if (linking || detail == null) return;
            javafx.application.Platform.runLater(() -> {
                if (linking || detail == null || hex.getSelection().getLength() > 0) return;
                int b = HexText.byteAt(hex.getText(), hex.getCaretPosition());
                if (b >= 0 && b < detail.packet().length) selectByte(b);
            });
        });
        BorderPane top = new BorderPane(tree);
        top.setBottom(state);
        getItems().addAll(top, hex);
        setDividerPositions(0.6);
    }

    private static String severityStyle(ProtoNode n) {
        return switch (n.expert().severity()) {
            case ERROR -> "-fx-background-color: #ef2929; -fx-text-fill: white;";
            case WARN -> "-fx-background-color: #fce94f;";
            case NOTE -> "-fx-background-color: #a0c4ff;";
            case CHAT -> "-fx-background-color: #d3d7cf;";
        };
    }

    /** "Apply as filter" and "Prepare as filter" for a field: {@code name == value} (a layer: its name; a finding: its kind). */
    private static ContextMenu menu(ProtoNode n, Consumer<String> apply, Consumer<String> prepare,
                                    Consumer<dev.cellscope.field.FieldDef> column) {
        String f = filterFor(n);
        MenuItem a = new MenuItem("Apply as filter: " + f);
        a.setOnAction(e -> apply.accept(f));
        MenuItem p = new MenuItem("Prepare as filter");
        p.setOnAction(e -> prepare.accept(f));
        if (n.expert() != null) return new ContextMenu(a, p);
        MenuItem c = new MenuItem("Apply as column: " + n.field().name());
        c.setOnAction(e -> column.accept(n.field()));
        return new ContextMenu(a, p, c);
    }

    /** The display filter that picks frames with this field's value. */
    public static String filterFor(ProtoNode n) {
        if (n.expert() != null) return "expert.id == \"" + n.expert().id() + "\"";
        String name = n.field().name();
        if (n.field().type() == dev.cellscope.field.FieldType.PROTOCOL) return name;
        String v = n.plainValue();
        if (n.field().type().isNumeric()) return name + " == " + v;
        return name + " == \"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    public TreeView<ProtoNode> tree() {
        return tree;
    }

    public TextArea hex() {
        return hex;
    }

    public FrameDetail detail() {
        return detail;
    }

    /** Shows a frame (null: nothing selected), keeping the selected field's place when it is the same frame again. */
    public void show(FrameDetail d) {
        String keep = detail != null && d != null && detail.frame() == d.frame() && tree.getSelectionModel().getSelectedItem() != null
                ? tree.getSelectionModel().getSelectedItem().getValue().field().name() : null;
        detail = d;
        linking = true;
        try {
            if (d == null) {
                tree.setRoot(null);
                hex.setText("");
                state.setText("");
                return;
            }
            TreeItem<ProtoNode> root = new TreeItem<>();
            add(root, d.tree().roots(), 0);
            tree.setRoot(root);
            hex.setText(HexText.dump(d.packet()));
            state.setText(d.analysed() ? "Frame " + d.frame() + ": with conversation analysis"
                    : "Frame " + d.frame() + ": dissected on its own; conversation analysis under way…");
        } finally {
            linking = false;
        }
        if (keep != null) selectField(keep);
    }

    private static void add(TreeItem<ProtoNode> parent, List<ProtoNode> nodes, int depth) {
        for (ProtoNode n : nodes) {
            TreeItem<ProtoNode> item = new TreeItem<>(n);
            // the protocol layers open (the frame's own metadata closed, as Wireshark starts); findings always visible
            item.setExpanded(depth == 0 && !n.field().name().equals("frame") || n.expert() != null);
            add(item, n.children(), depth + 1);
            parent.getChildren().add(item);
        }
    }

    /** Highlights the bytes of a field (none when it does not come from the frame's bytes). */
    void highlight(ProtoNode n) {
        if (n.offset() < 0 || n.length() <= 0 || detail == null) {
            hex.deselect();
            return;
        }
        int[] r = HexText.range(n.offset(), Math.min(n.length(), detail.packet().length - n.offset()));
        if (r == null) return;
        linking = true;
        try {
            hex.selectRange(r[0], r[1]);
        } finally {
            linking = false;
        }
    }

    /** The bytes the hex pane highlights, as {offset, length} in the frame, or null when none. */
    public int[] highlightedBytes() {
        var sel = hex.getSelection();
        if (sel.getLength() == 0) return null;
        int first = HexText.byteAt(hex.getText(), sel.getStart()), last = HexText.byteAt(hex.getText(), sel.getEnd() - 1);
        return first < 0 || last < first ? null : new int[] {first, last - first + 1};
    }

    /** Selects the deepest, narrowest field covering byte {@code b}, opening its parents. */
    public void selectByte(int b) {
        TreeItem<ProtoNode> best = deepest(tree.getRoot(), b, null);
        if (best == null) return;
        for (TreeItem<ProtoNode> p = best.getParent(); p != null; p = p.getParent()) p.setExpanded(true);
        tree.getSelectionModel().select(best);
        tree.scrollTo(Math.max(0, tree.getRow(best) - 3));
    }

    private static TreeItem<ProtoNode> deepest(TreeItem<ProtoNode> item, int b, TreeItem<ProtoNode> best) {
        if (item == null) return best;
        for (TreeItem<ProtoNode> c : item.getChildren()) {
            ProtoNode n = c.getValue();
            if (n.expert() == null && n.offset() >= 0 && n.length() > 0 && b >= n.offset() && b < n.offset() + n.length()) {
                if (best == null || n.length() <= best.getValue().length()) best = c;
            }
            best = deepest(c, b, best);
        }
        return best;
    }

    /** Selects the first field of this name (e.g. {@code utcp.seq}); false when the frame has none. */
    public boolean selectField(String name) {
        TreeItem<ProtoNode> found = find(tree.getRoot(), name);
        if (found == null) return false;
        for (TreeItem<ProtoNode> p = found.getParent(); p != null; p = p.getParent()) p.setExpanded(true);
        tree.getSelectionModel().select(found);
        return true;
    }

    private static TreeItem<ProtoNode> find(TreeItem<ProtoNode> item, String name) {
        if (item == null) return null;
        for (TreeItem<ProtoNode> c : item.getChildren()) {
            if (c.getValue().expert() == null && c.getValue().field().name().equals(name)) return c;
            TreeItem<ProtoNode> f = find(c, name);
            if (f != null) return f;
        }
        return null;
    }
}
