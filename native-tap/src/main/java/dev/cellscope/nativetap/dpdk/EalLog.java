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
     * The first line of {@code text} that names {@code device} and reads as an error, with the driver's error line just
     * before it ("open_iface_live(): Couldn't open nosuch: …; vdev_probe(): failed to initialize net_pcap0 device"), or
     * the line after one naming it that does: why a device given to the EAL (--vdev) made no port, which the
     * EAL logs while it starts and does not return. Null when the log says nothing of it.
     */
    static String about(String text, String device) {
        List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        for (int i = 0; i < lines.size(); i++) {
            if (!lines.get(i).contains(device)) continue;
            if (reason(lines.get(i)) != null) {
                // the driver's own words come just before the EAL's ("open_iface_live(): Couldn't open nosuch: …")
                for (int k = Math.max(0, i - 3); k < i; k++) {
                    if (reason(lines.get(k)) != null) return lines.get(k) + "; " + lines.get(i);
                }
                return lines.get(i);
            }
            if (i + 1 < lines.size() && reason(lines.get(i + 1)) != null) return lines.get(i) + " " + lines.get(i + 1);
        }
        return null;
    }

    /**
     * The line that explains a failure: getopt's complaint about an option first, then the kernel's message that
     * libbpf passes on, then the first line of the EAL or a driver that reads as an error; null when there is none.
     */
    static String reason(String text) {
        List<String> lines = text.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        for (String l : lines) {
            if (l.startsWith("cellscope: ")) return l.substring("cellscope: ".length()); // getopt: "unrecognized option '--x'"
        }
        for (String l : lines) {
            // the kernel's own words (netlink extack), which libbpf passes on: more exact than the lines around them
            if (l.contains("Kernel error message:")) return l;
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
