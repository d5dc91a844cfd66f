package dev.cellscope.gui;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The X display the GUI tests draw on: surefire sets DISPLAY to {@code gui.test.display} (gui/pom.xml);
 * when no X server listens there, an Xvfb is started on it for this JVM (Debian's xvfb, which
 * ./run-tests installs). Without Xvfb the tests are skipped, saying so.
 */
final class GuiDisplay {
    private static Process xvfb;

    private GuiDisplay() {}

    static synchronized void ensure() throws IOException, InterruptedException {
        String display = System.getenv("DISPLAY");
        Assumptions.assumeTrue(display != null && display.startsWith(":"),
                "no X display for the GUI tests: DISPLAY is '" + display + "' (gui/pom.xml sets it to ${gui.test.display}; run through Maven)");
        String number = display.substring(1).replaceFirst("\\..*$", "");
        Path socket = Path.of("/tmp/.X11-unix/X" + number);
        if (Files.exists(socket) && (xvfb == null || xvfb.isAlive())) return;
        Path binary = Path.of("/usr/bin/Xvfb");
        Assumptions.assumeTrue(Files.isExecutable(binary),
                "no X server on " + display + " and Xvfb is not installed (Debian package xvfb: apt-get install xvfb; ./run-tests installs it)");
        // -terminate: Xvfb ends itself when this JVM's connection closes at exit. Killing it from a shutdown hook
        // instead races JavaFX's GTK connection, and GTK's fatal "X connection lost" then exits the JVM with 1
        // (surefire: "Error occurred in starting fork"), after every test had passed.
        xvfb = new ProcessBuilder(binary.toString(), display, "-screen", "0", "1600x1000x24", "-nolisten", "tcp", "-terminate")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!Files.exists(socket) && xvfb.isAlive() && System.nanoTime() < until) Thread.sleep(50);
        Assumptions.assumeTrue(Files.exists(socket), "Xvfb " + display + " did not start within 10 s (exit "
                + (xvfb.isAlive() ? "none, still running" : xvfb.exitValue()) + ")");
    }
}
