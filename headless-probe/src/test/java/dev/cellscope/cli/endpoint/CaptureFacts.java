package dev.cellscope.cli.endpoint;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@code cellscope read -T fields} finds in a capture: UTCP NACKs and retransmissions,
 * Tether NACKs, re-sends, credit spent, overruns, and whether the last Manifest matches.
 * (The analysis fields of a boolean kind are present only when true.)
 */
record CaptureFacts(long frames, long utcpNacks, long utcpRetransmissions, long tetherNacks, long tetherResends, long tetherSpending,
                    long overruns, String lastManifestMatch) {

    static CaptureFacts read(Path dir, Path capture) throws Exception {
        try (Child read = Child.start(dir, "read", List.of(), "read", "-r", capture.toString(), "-T", "fields",
                "-e", "utcp.flags.nack", "-e", "utcp.analysis.retransmission", "-e", "tether.nack_slot", "-e", "tether.nack.count",
                "-e", "tether.analysis.resent", "-e", "tether.analysis.spent", "-e", "tether.analysis.overrun",
                "-e", "tether.analysis.manifest_match")) {
            int exit = read.finish(60);
            if (exit != 0) throw new AssertionError("cellscope read failed\n" + read.tail());
            long frames = 0, nacks = 0, retx = 0, tNacks = 0, resends = 0, spending = 0, overruns = 0;
            String manifest = "";
            for (String line : read.out().split("\n")) {
                if (line.isEmpty()) continue;
                String[] f = line.split("\t", -1);
                frames++;
                if (f[0].equals("1")) nacks++;
                if (f[1].equals("1")) retx++;
                if (positive(f[2]) || positive(f[3])) tNacks++;
                if (f[4].equals("1")) resends++;
                if (positive(f[5])) spending++;
                if (f[6].equals("1")) overruns++;
                if (!f[7].isEmpty()) manifest = f[7];
            }
            return new CaptureFacts(frames, nacks, retx, tNacks, resends, spending, overruns, manifest);
        }
    }

    private static boolean positive(String field) {
        return !field.isEmpty() && !field.equals("0");
    }
}
