package dev.cellscope.gui.view;

import dev.cellscope.filter.DisplayFilter;
import dev.cellscope.filter.FilterException;
import dev.cellscope.gui.model.ColourRule;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.geometry.Insets;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.ColorPicker;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TextField;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.Priority;
import javafx.scene.layout.VBox;
import javafx.scene.paint.Color;

import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Edit > Preferences: the colouring rules (order matters: the first a frame matches colours it;
 * each rule's filter checked as typed, as the filter bar does) and the Time column's format. OK
 * hands the result to the window, which saves it; Cancel forgets the edits.
 */
public final class PreferencesView extends BorderPane {
    /** What the Time column shows. */
    public enum TimeFormat {
        RELATIVE("Seconds since the first frame"), ABSOLUTE("Date and time of day (UTC)"), DELTA("Seconds since the previous frame");

        final String label;

        TimeFormat(String label) {
            this.label = label;
        }

        @Override
        public String toString() {
            return label;
        }
    }

    /** What OK hands over. */
    public record Settings(List<ColourRule> colours, TimeFormat time) {}

    private final ObservableList<ColourRule> rules;
    private final ListView<ColourRule> list;
    private final TextField name = new TextField(), filter = new TextField();
    private final ColorPicker background = new ColorPicker(), foreground = new ColorPicker();
    private final Label message = new Label();
    private final ChoiceBox<TimeFormat> time = new ChoiceBox<>(FXCollections.observableArrayList(TimeFormat.values()));
    private final Button ok = new Button("OK");
    private boolean loading;

    public PreferencesView(List<ColourRule> current, TimeFormat timeFormat, Consumer<Settings> done, Runnable cancelled) {
        setId("preferences");
        rules = FXCollections.observableArrayList(current);
        list = new ListView<>(rules);
        list.setId("colour-rules");
        list.setCellFactory(v -> new ListCell<>() {
            @Override
            protected void updateItem(ColourRule r, boolean empty) {
                super.updateItem(r, empty);
                setText(empty || r == null ? null : r.name() + "    " + r.filter());
                setStyle(empty || r == null ? "" : "-fx-background-color: " + r.background() + "; -fx-text-fill: " + r.foreground() + ";");
            }
        });
        name.setId("rule-name");
        filter.setId("rule-filter");
        background.setId("rule-background");
        foreground.setId("rule-foreground");
        message.setId("rule-message");
        ok.setId("preferences-ok");
        time.setId("time-format");
        time.setValue(timeFormat);

        list.getSelectionModel().selectedItemProperty().addListener((o, was, r) -> edit(r));
        name.textProperty().addListener((o, w, v) -> store());
        filter.textProperty().addListener((o, w, v) -> store());
        background.valueProperty().addListener((o, w, v) -> store());
        foreground.valueProperty().addListener((o, w, v) -> store());

        Button add = button("New", "rule-add", () -> {
            rules.add(new ColourRule("New rule", "utcp", "#ffffff", "#000000"));
            list.getSelectionModel().selectLast();
        });
        Button remove = button("Delete", "rule-delete", () -> {
            int i = list.getSelectionModel().getSelectedIndex();
            if (i >= 0) rules.remove(i);
        });
        Button up = button("Up", "rule-up", () -> move(-1));
        Button down = button("Down", "rule-down", () -> move(1));
        Button defaults = button("Restore defaults", "rule-defaults", () -> rules.setAll(ColourRule.DEFAULTS));

        GridPane form = new GridPane();
        form.setHgap(6);
        form.setVgap(4);
        form.addRow(0, new Label("Name"), name);
        form.addRow(1, new Label("Filter"), filter);
        form.addRow(2, new Label("Background"), background);
        form.addRow(3, new Label("Foreground"), foreground);
        GridPane.setHgrow(filter, Priority.ALWAYS);
        VBox colours = new VBox(6, new Label("The first rule a frame matches colours its row."), list,
                new HBox(6, add, remove, up, down, defaults), form, message);
        colours.setPadding(new Insets(8));
        VBox.setVgrow(list, Priority.ALWAYS);

        VBox appearance = new VBox(6, new Label("Time column"), time);
        appearance.setPadding(new Insets(8));
        TabPane tabs = new TabPane(new Tab("Colouring rules", colours), new Tab("Packet list", appearance));
        tabs.getTabs().forEach(t -> t.setClosable(false));
        tabs.setId("preferences-tabs");

        ok.setDefaultButton(true);
        ok.setOnAction(e -> done.accept(new Settings(List.copyOf(rules), time.getValue())));
        Button cancel = button("Cancel", "preferences-cancel", cancelled);
        cancel.setCancelButton(true);
        HBox buttons = new HBox(6, ok, cancel);
        buttons.setPadding(new Insets(8));
        setCenter(tabs);
        setBottom(buttons);
        if (!rules.isEmpty()) list.getSelectionModel().selectFirst();
        check();
    }

    private static Button button(String text, String id, Runnable action) {
        Button b = new Button(text);
        b.setId(id);
        b.setOnAction(e -> action.run());
        return b;
    }

    public ListView<ColourRule> rules() {
        return list;
    }

    private void move(int by) {
        int i = list.getSelectionModel().getSelectedIndex(), j = i + by;
        if (i < 0 || j < 0 || j >= rules.size()) return;
        ColourRule r = rules.remove(i);
        rules.add(j, r);
        list.getSelectionModel().select(j);
    }

    private void edit(ColourRule r) {
        loading = true;
        name.setText(r == null ? "" : r.name());
        filter.setText(r == null ? "" : r.filter());
        background.setValue(r == null ? Color.WHITE : Color.web(r.background()));
        foreground.setValue(r == null ? Color.BLACK : Color.web(r.foreground()));
        loading = false;
        check();
    }

    /** The form's values into the selected rule. */
    private void store() {
        int i = list.getSelectionModel().getSelectedIndex();
        if (loading || i < 0) return;
        rules.set(i, new ColourRule(name.getText(), filter.getText(), web(background.getValue()), web(foreground.getValue())));
        list.getSelectionModel().select(i);
        check();
    }

    /** Every rule's filter must compile: the filter field goes red with the parser's message, and OK waits. */
    private void check() {
        String bad = null;
        for (ColourRule r : rules) {
            if (r.filter().isBlank()) {
                bad = "'" + r.name() + "': a colouring rule needs a filter";
                break;
            }
            try {
                DisplayFilter.compile(r.filter());
            } catch (FilterException e) {
                bad = "'" + r.name() + "': " + e.getMessage();
                break;
            }
        }
        ColourRule selected = list.getSelectionModel().getSelectedItem();
        boolean selectedBad = bad != null && selected != null && bad.startsWith("'" + selected.name() + "'");
        filter.setStyle(selected == null ? "" : selectedBad ? "-fx-control-inner-background: #ffafaf;" : "-fx-control-inner-background: #afffaf;");
        message.setText(bad == null ? "" : bad);
        ok.setDisable(bad != null || rules.size() > 250);
    }

    private static String web(Color c) {
        return String.format(Locale.ROOT, "#%02x%02x%02x", Math.round(c.getRed() * 255), Math.round(c.getGreen() * 255), Math.round(c.getBlue() * 255));
    }
}
