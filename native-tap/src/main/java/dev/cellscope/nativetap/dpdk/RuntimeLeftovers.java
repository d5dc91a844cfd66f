package dev.cellscope.nativetap.dpdk;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a cellscope process killed with SIGKILL leaves of DPDK, removed by the next one that starts the EAL: its
 * runtime directory ({@code cellscope-PID} under {@link Eal#runtimeBase}, named by the default
 * {@code --file-prefix}) and its log ({@code cellscope-dpdk-PID-*.log} in the temporary directory). Only those of
 * processes that no longer run: a PID that runs again (reused) keeps its files, which the next start after it ends
 * removes.
 */
final class RuntimeLeftovers {
    private static final Pattern RUNTIME_DIRECTORY = Pattern.compile("cellscope-(\\d+)");
    private static final Pattern LOG = Pattern.compile("cellscope-dpdk-(\\d+)-.*\\.log");

    private RuntimeLeftovers() {}

    /** Removes the runtime directories under {@code runtimeBase} and the logs in {@code tmp} of processes that are gone. */
    static void removeThoseOfDeadProcesses(Path runtimeBase, Path tmp) {
        for (Path dir : deadProcesses(runtimeBase, RUNTIME_DIRECTORY)) {
            if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue;
            // with --no-shconf the EAL keeps no files there; whatever a killed run left at the top goes with it
            for (Path f : list(dir)) delete(f);
            delete(dir);
        }
        for (Path log : deadProcesses(tmp, LOG)) {
            if (Files.isRegularFile(log, java.nio.file.LinkOption.NOFOLLOW_LINKS)) delete(log);
        }
    }

    private static java.util.List<Path> deadProcesses(Path dir, Pattern name) {
        long self = ProcessHandle.current().pid();
        return list(dir).stream().filter(p -> {
            Matcher m = name.matcher(p.getFileName().toString());
            if (!m.matches()) return false;
            try {
                long pid = Long.parseLong(m.group(1));
                return pid != self && ProcessHandle.of(pid).isEmpty();
            } catch (NumberFormatException e) {
                return false;
            }
        }).toList();
    }

    private static java.util.List<Path> list(Path dir) {
        java.util.List<Path> out = new java.util.ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) out.add(p);
        } catch (IOException | RuntimeException e) {
            // missing or unreadable: nothing of ours to remove
        }
        return out;
    }

    private static void delete(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // another user's, or not empty: left
        }
    }

    /** The process's real user id (getuid, the first of /proc/self/status's Uid: line), which DPDK picks its runtime directory by; -1 when unknown. */
    static long realUid() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) return Long.parseLong(line.substring(4).strip().split("\\s+")[0]);
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return -1;
    }
}
