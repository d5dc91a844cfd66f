package dev.cellscope.gui.view;

import dev.cellscope.gui.model.ColourRule;
import dev.cellscope.gui.model.FrameIndex;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableRow;
import javafx.scene.control.TableView;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** The packet list: a virtualized table over {@link FrameRows}, its cells read from the {@link FrameIndex}. */
public final class PacketTable extends TableView<Integer> {
    private final FrameRows rows = new FrameRows();
    private final TableColumn<Integer, String> infoColumn;
    private FrameIndex index;
    private List<ColourRule> colours = ColourRule.DEFAULTS;

    public PacketTable() {
        setId("packet-list");
        setItems(rows);
        getColumns().add(column("No.", 70, i -> Integer.toString(i + 1), null));
        getColumns().add(column("Time", 100, this::time, i -> index.timeNanos(i)));
        getColumns().add(column("Source", 150, i -> index.source(i), null));
        getColumns().add(column("Destination", 150, i -> index.destination(i), null));
        getColumns().add(column("Protocol", 80, i -> index.protocol(i), null));
        getColumns().add(column("Length", 65, i -> Long.toString(index.wireLength(i)), i -> index.wireLength(i)));
        infoColumn = column("Info", 600, i -> index.info(i), null);
        getColumns().add(infoColumn);
        // sorting reorders frame numbers in the background; the table never sorts a million cells itself
        setSortPolicy(t -> {
            sort();
            return true;
        });
        setFixedCellSize(22); // every row the same height: the table never measures a million of them
        setColumnResizePolicy(TableView.UNCONSTRAINED_RESIZE_POLICY);
        setRowFactory(t -> new TableRow<>() {
            @Override
            protected void updateItem(Integer frame, boolean empty) {
                super.updateItem(frame, empty);
                int c = empty || frame == null || index == null ? -1 : index.colour(frame);
                getStyleClass().removeIf(s -> s.startsWith("colour-"));
                if (c >= 0 && c < colours.size()) getStyleClass().add("colour-" + c);
            }
        });
        colourSheet();
    }

    /** The colouring rules as a style sheet: the selection keeps its own colour, as in Wireshark. */
    private void colourSheet() {
        StringBuilder css = new StringBuilder();
        for (int i = 0; i < colours.size(); i++) {
            ColourRule r = colours.get(i);
            css.append(".table-row-cell.colour-").append(i).append(" { -fx-background-color: ").append(r.background())
                    .append("; } .table-row-cell.colour-").append(i).append(" .table-cell { -fx-text-fill: ").append(r.foreground())
                    .append("; } .table-row-cell.colour-").append(i).append(":selected { -fx-background-color: -fx-selection-bar; }\n");
        }
        getStylesheets().setAll("data:text/css;base64," + java.util.Base64.getEncoder()
                .encodeToString(css.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** The sort key of each column: a number where there is one (null: the text, or the frame number for No.). */
    private final java.util.Map<TableColumn<Integer, String>, java.util.function.IntToLongFunction> numericKeys = new java.util.HashMap<>();
    private final java.util.Map<TableColumn<Integer, String>, Function<Integer, String>> textKeys = new java.util.HashMap<>();
    private long sortGeneration;

    private TableColumn<Integer, String> column(String title, double width, Function<Integer, String> value,
                                                java.util.function.IntToLongFunction number) {
        TableColumn<Integer, String> c = new TableColumn<>(title);
        c.setPrefWidth(width);
        c.setCellValueFactory(f -> new ReadOnlyObjectWrapper<>(index == null ? "" : value.apply(f.getValue())));
        if (number != null) numericKeys.put(c, number);
        else if (!title.equals("No.")) textKeys.put(c, value);
        else numericKeys.put(c, i -> i);
        return c;
    }

    /**
     * Sorts the shown frames by the first column of the sort order (frame number breaks ties), on a
     * thread of its own; the rows are replaced when it is done. No sort order: frame order.
     */
    public void sort() {
        long generation = ++sortGeneration;
        if (index == null || getSortOrder().isEmpty()) {
            if (rows.ordered()) keepSelection(() -> rows.order(null));
            return;
        }
        TableColumn<Integer, ?> c = getSortOrder().getFirst();
        boolean descending = c.getSortType() == TableColumn.SortType.DESCENDING;
        int[] shown = rows.shownInFrameOrder();
        var numeric = numericKeys.get(c);
        var text = textKeys.get(c);
        Thread.ofPlatform().daemon().name("cellscope-sort").start(() -> {
            Integer[] boxed = new Integer[shown.length];
            for (int i = 0; i < shown.length; i++) boxed[i] = i;
            java.util.Comparator<Integer> by;
            if (numeric != null) {
                long[] keys = new long[shown.length];
                for (int i = 0; i < shown.length; i++) keys[i] = numeric.applyAsLong(shown[i]);
                by = java.util.Comparator.comparingLong(i -> keys[i]);
            } else {
                String[] keys = new String[shown.length];
                for (int i = 0; i < shown.length; i++) keys[i] = text.apply(shown[i]);
                by = java.util.Comparator.comparing(i -> keys[i]);
            }
            if (descending) by = by.reversed();
            java.util.Arrays.sort(boxed, by.thenComparingInt(i -> i)); // stable: frame order within equal keys
            int[] order = new int[shown.length];
            for (int i = 0; i < order.length; i++) order[i] = shown[boxed[i]];
            javafx.application.Platform.runLater(() -> {
                if (generation == sortGeneration) keepSelection(() -> rows.order(order));
            });
        });
    }

    private void keepSelection(Runnable change) {
        int selected = selectedFrame();
        change.run();
        if (selected >= 0) selectFrame(selected);
    }

    public FrameRows rows() {
        return rows;
    }

    private PreferencesView.TimeFormat timeFormat = PreferencesView.TimeFormat.RELATIVE;

    /** What the Time column shows (Preferences); the rows are drawn again. */
    public void timeFormat(PreferencesView.TimeFormat f) {
        timeFormat = f;
        getColumns().get(1).setPrefWidth(f == PreferencesView.TimeFormat.ABSOLUTE ? 230 : 100);
        refresh();
    }

    private String time(int i) {
        return switch (timeFormat) {
            case RELATIVE -> String.format(Locale.ROOT, "%.6f", index.relativeSeconds(i));
            case DELTA -> String.format(Locale.ROOT, "%.6f", i == 0 ? 0.0 : (index.timeNanos(i) - index.timeNanos(i - 1)) / 1e9);
            case ABSOLUTE -> java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSSSSS").withZone(java.time.ZoneOffset.UTC)
                    .format(java.time.Instant.ofEpochSecond(0, index.timeNanos(i)));
        };
    }

    /** New colouring rules: their colours (the index holds which rule each frame matches). */
    public void colours(List<ColourRule> colours) {
        this.colours = colours;
        colourSheet();
        refresh();
    }

    /**
     * Adds a column of a registry field ("Apply as column"), its cells read by {@code value} (0-based
     * frame to text) when shown; sortable as text, in the background. Right-click its header to remove it.
     * Returns the column.
     */
    public TableColumn<Integer, String> addFieldColumn(String name, Function<Integer, String> value, Runnable removed) {
        TableColumn<Integer, String> c = column(name, 140, value, null);
        c.setId("column-" + name);
        javafx.scene.control.MenuItem remove = new javafx.scene.control.MenuItem("Remove column " + name);
        remove.setOnAction(e -> {
            getColumns().remove(c);
            getSortOrder().remove(c);
            textKeys.remove(c);
            removed.run();
        });
        c.setContextMenu(new javafx.scene.control.ContextMenu(remove));
        // before Info, which is wide and last: the new column is seen at once
        int info = getColumns().indexOf(infoColumn);
        getColumns().add(info < 0 ? getColumns().size() : info, c);
        return c;
    }

    public void show(FrameIndex index, List<ColourRule> colours) {
        this.index = index;
        this.colours = colours;
        colourSheet();
        rows.showAll(index);
    }

    /** Selects 0-based frame {@code frame} and scrolls to it; false when it is not in the list. */
    public boolean selectFrame(int frame) {
        int row = rows.rowOf(frame);
        if (row < 0) return false;
        getSelectionModel().clearAndSelect(row);
        scrollTo(Math.max(0, row - 5));
        return true;
    }

    /** The selected 0-based frame, or -1. */
    public int selectedFrame() {
        Integer f = getSelectionModel().getSelectedItem();
        return f == null ? -1 : f;
    }
}
