package dev.cellscope.gui;

import javafx.application.Application;
import javafx.stage.Stage;

import java.nio.file.Path;
import java.util.List;

/** The JavaFX application: one main window, opening the file named on the command line if any. */
public final class CellscopeApp extends Application {

    @Override
    public void start(Stage stage) {
        MainWindow window = new MainWindow(stage);
        stage.show();
        List<String> args = getParameters().getRaw();
        if (args.isEmpty()) return;
        String bench = System.getenv("CELLSCOPE_GUI_BENCH");
        if (bench != null) new BenchRun(window, bench).run(Path.of(args.getFirst()));
        else window.open(Path.of(args.getFirst()));
    }
}
