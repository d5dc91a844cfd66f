package dev.cellscope.gui.view;

import dev.cellscope.expert.Severity;
import dev.cellscope.gui.model.Finding;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.scene.control.Label;
import javafx.scene.control.TreeItem;
import javafx.scene.control.TreeTableColumn;
import javafx.scene.control.TreeTableView;
import javafx.scene.layout.BorderPane;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;

/**
 * Wireshark's Expert Information: findings grouped by severity (worst first), then by kind, each
 * with its frame; double-click a finding to select its frame in the packet list.
 */
public final class ExpertView extends BorderPane {
    /** One line of the view: a group heading (frame 0, count) or one finding. */
    public record Line(String severity, String group, String summary, long frame, int count) {}

    private final TreeTableView<Line> table = new TreeTableView<>();

    public ExpertView(List<Finding> findings, long dropped, LongConsumer goTo) {
        setId("expert-view");
        table.setId("expert-table");
        table.setShowRoot(false);
        table.getColumns().add(column("Severity", 80, Line::severity));
        table.getColumns().add(column("Group", 90, Line::group));
        table.getColumns().add(column("Summary", 560, Line::summary));
        table.getColumns().add(column("Frame", 80, l -> l.frame() > 0 ? Long.toString(l.frame()) : ""));
        table.getColumns().add(column("Count", 70, l -> l.count() > 0 ? Integer.toString(l.count()) : ""));
        TreeItem<Line> root = new TreeItem<>();
        Map<String, List<Finding>> byKind = new LinkedHashMap<>();
        List<Finding> sorted = new ArrayList<>(findings);
        sorted.sort(Comparator.comparing((Finding f) -> f.expert().severity()).reversed()
                .thenComparing(f -> f.expert().id()).thenComparingLong(Finding::frame));
        for (Finding f : sorted) byKind.computeIfAbsent(f.expert().id(), k -> new ArrayList<>()).add(f);
        for (var e : byKind.entrySet()) {
            Finding first = e.getValue().getFirst();
            Severity s = first.expert().severity();
            TreeItem<Line> kind = new TreeItem<>(new Line(s.label(), first.expert().group().label(),
                    e.getKey() + ": " + first.expert().kind().summary(), 0, e.getValue().size()));
            // a kind with a million findings lists its first ten thousand: the count says how many
            for (Finding f : e.getValue().subList(0, Math.min(10_000, e.getValue().size()))) {
                kind.getChildren().add(new TreeItem<>(new Line(s.label(), f.expert().group().label(), f.expert().message(), f.frame(), 0)));
            }
            root.getChildren().add(kind);
        }
        table.setRoot(root);
        table.setRowFactory(t -> {
            var row = new javafx.scene.control.TreeTableRow<Line>();
            row.setOnMouseClicked(e -> {
                if (e.getClickCount() == 2 && row.getItem() != null && row.getItem().frame() > 0) goTo.accept(row.getItem().frame());
            });
            return row;
        });
        setCenter(table);
        setBottom(new Label(findings.size() + " findings of " + byKind.size() + " kinds"
                + (dropped > 0 ? " (" + dropped + " more not kept)" : "") + "; double-click a finding to go to its frame"));
    }

    public TreeTableView<Line> table() {
        return table;
    }

    private static TreeTableColumn<Line, String> column(String title, double width, java.util.function.Function<Line, String> f) {
        TreeTableColumn<Line, String> c = new TreeTableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(p -> new ReadOnlyObjectWrapper<>(p.getValue().getValue() == null ? "" : f.apply(p.getValue().getValue())));
        return c;
    }
}
