package dev.cellscope.gui;

import javafx.application.Application;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code cellscope gui [FILE]}. Not an {@link Application} itself, so JavaFX starts from the class
 * path without a module path; checks its arguments and the display first, with one-line errors.
 */
public final class GuiMain {
    private GuiMain() {}

    public static void main(String[] args) {
        if (args.length > 1 || args.length == 1 && (args[0].equals("-h") || args[0].equals("--help"))) {
            System.err.println("usage: cellscope gui [FILE]   (open a pcap or pcapng capture in the desktop GUI)");
            System.exit(args.length > 1 ? 2 : 0);
        }
        if (args.length == 1 && !Files.isRegularFile(Path.of(args[0]))) {
            System.err.println("cellscope: " + args[0] + ": no such file");
            System.exit(1);
        }
        String display = System.getenv("DISPLAY"), wayland = System.getenv("WAYLAND_DISPLAY");
        if ((display == null || display.isBlank()) && (wayland == null || wayland.isBlank())) {
            System.err.println("cellscope: gui needs a display (DISPLAY is not set); for a headless machine: xvfb-run ./cellscope gui FILE");
            System.exit(1);
        }
        Application.launch(CellscopeApp.class, args);
    }
}
