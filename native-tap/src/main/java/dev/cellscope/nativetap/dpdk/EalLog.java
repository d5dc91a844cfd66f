package dev.cellscope.nativetap.dpdk;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/** Picks the line that says why out of what DPDK wrote to its log (and, during init, to stdout and stderr). */
final class EalLog {
    private EalLog() {}

    /** What the file holds from byte {@code from} on (empty when unreadable). */
    static String since(Path file, long from) {
        if (file == null) return "";
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
            long n = Math.max(0, f.length() - from);
            byte[] b = new byte[(int) Math.min(n, 1 << 20)];
            f.seek(from);
            f.readFully(b);
            return new String(b, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * The line that explains a failure: getopt's complaint about an option first, then the first
     * line of the EAL or a driver that reads as an error; null when there is none.
     */
    static String reason(String text) {
        List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        for (String l : lines) {
            if (l.startsWith("cellscope: ")) return l.substring("cellscope: ".length()); // getopt: "unrecognized option '--x'"
        }
        for (String l : lines) {
            String lower = l.toLowerCase(java.util.Locale.ROOT);
            if (lower.contains("invalid") || lower.contains("cannot") || lower.contains("could not") || lower.contains("failed")
                    || lower.contains("error") || lower.contains("unable") || lower.contains("no such") || lower.contains("not ")) {
                return l;
            }
        }
        return null;
    }
}
