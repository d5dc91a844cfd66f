package dev.cellscope.gui.view;

import dev.cellscope.flow.CsvColumns;
import dev.cellscope.flow.FlowKind;
import dev.cellscope.flow.FlowRow;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.collections.FXCollections;
import javafx.scene.control.Button;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;
import javafx.scene.control.ToolBar;
import javafx.scene.layout.BorderPane;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;

/**
 * Conversations and flows: the three flow tables of {@code cellscope stats} (UTCP directions, Tether
 * flows, UTCP-SBI peer pairs), one tab each, with the CSV's columns (docs/CSV.md), sortable; a
 * double-click goes to the flow's first frame; Export writes the same CSV as {@code stats --flows}.
 */
public final class FlowsView extends BorderPane {
    private final TabPane tabs = new TabPane();

    public FlowsView(List<FlowRow> rows, Runnable export, Consumer<FlowRow> goTo) {
        setId("flows-view");
        for (FlowKind kind : FlowKind.values()) {
            List<FlowRow> mine = new ArrayList<>();
            for (FlowRow r : rows) if (r.kind() == kind) mine.add(r);
            TableView<List<String>> table = new TableView<>();
            table.setId("flows-" + kind.label());
            List<String> header = CsvColumns.header(kind);
            for (int i = 0; i < header.size(); i++) {
                int col = i;
                TableColumn<List<String>, String> c = new TableColumn<>(header.get(i));
                c.setCellValueFactory(p -> new ReadOnlyObjectWrapper<>(p.getValue().get(col)));
                c.setComparator(NUMERIC_FIRST);
                table.getColumns().add(c);
            }
            List<List<String>> values = new ArrayList<>();
            java.util.Map<List<String>, FlowRow> rowOf = new java.util.IdentityHashMap<>();
            for (FlowRow r : mine) {
                List<String> v = CsvColumns.values(r);
                values.add(v);
                rowOf.put(v, r);
            }
            table.setItems(FXCollections.observableArrayList(values));
            table.setRowFactory(t -> {
                TableRow<List<String>> row = new TableRow<>();
                row.setOnMouseClicked(e -> {
                    if (e.getClickCount() == 2 && row.getItem() != null) goTo.accept(rowOf.get(row.getItem()));
                });
                return row;
            });
            Tab tab = new Tab(kind.label().toUpperCase(java.util.Locale.ROOT) + " (" + mine.size() + ")", table);
            tab.setClosable(false);
            tabs.getTabs().add(tab);
        }
        Button csv = new Button("Export CSV…");
        csv.setId("flows-export");
        csv.setOnAction(e -> export.run());
        setTop(new ToolBar(csv));
        setCenter(tabs);
    }

    public TabPane tabs() {
        return tabs;
    }

    /** Numbers sort as numbers, text as text; empty cells last. */
    private static final Comparator<String> NUMERIC_FIRST = (a, b) -> {
        if (a.isEmpty() || b.isEmpty()) return Boolean.compare(a.isEmpty(), b.isEmpty());
        try {
            return Double.compare(Double.parseDouble(a), Double.parseDouble(b));
        } catch (NumberFormatException e) {
            return a.compareTo(b);
        }
    };
}
