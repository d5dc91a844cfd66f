package dev.cellscope.cli;

import dev.cellscope.cli.errors.UserError;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * The {@code --cellids} address book: one CellID (32 hex digits, ':' and '-' allowed) per line,
 * '#' comments and a trailing name allowed. The file is read up to {@link #MAX_BYTES} and no
 * further, so {@code /dev/zero} or a capture given by mistake costs a bounded read and a clear
 * usage error (exit 2, like a line that is not a CellID), not the heap.
 */
final class CellIdList {
    private CellIdList() {}

    /** Every face (read, probe) takes the book as --cellids: its errors name it, as other options' errors do. */
    private static final String OPTION = "--cellids";

    /** 16 MiB: over 300,000 CellIDs with names. */
    static final int MAX_BYTES = 16 << 20;

    static Set<String> read(Path file) {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            throw UserError.failure(OPTION + " " + file + ": cannot read: " + reason(e));
        }
        if (bytes.length > MAX_BYTES) {
            throw UserError.usage(OPTION + " " + file + ": more than " + (MAX_BYTES >> 20) + " MiB: not an address book (one CellID per line)");
        }
        Set<String> ids = new HashSet<>();
        int line = 0;
        for (String l : new String(bytes, StandardCharsets.UTF_8).lines().toList()) {
            line++;
            String s = l.replaceFirst("#.*", "").strip();
            if (s.isEmpty()) continue;
            String first = s.split("\\s+")[0];
            String id = first.replace(":", "").replace("-", "").toLowerCase(Locale.ROOT);
            if (!id.matches("[0-9a-f]{32}")) {
                String shown = first.length() > 40 ? first.substring(0, 40) + "…" : first;
                throw UserError.usage(OPTION + " " + file + ":" + line + ": '" + shown + "' is not a CellID (32 hex digits)");
            }
            ids.add(id);
        }
        return ids;
    }

    /** The system's reason; Java's NoSuchFileException and AccessDeniedException carry only the path. */
    private static String reason(IOException e) {
        if (e instanceof NoSuchFileException) return "No such file or directory";
        if (e instanceof AccessDeniedException) return "Permission denied";
        return OutputFile.reason(e);
    }
}
