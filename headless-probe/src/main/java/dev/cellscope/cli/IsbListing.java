package dev.cellscope.cli;

import dev.cellscope.cli.errors.UserError;
import dev.cellscope.io.InterfaceInfo;
import dev.cellscope.io.InterfaceStatistics;
import dev.cellscope.session.CaptureStatistics;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;

/**
 * {@code read -r FILE -z isb}: the file's pcapng Interface Statistics Blocks, one line each, in file order. tshark
 * (4.0) shows none of them (-V, capinfos only counts them), and they are where dumpcap's files and cellscope's (ring
 * files, {@code read -i -w}) say what the capture missed. Read from the file itself, after the frames: the blocks
 * are not frames, so the session reads them apart ({@link CaptureStatistics}).
 */
final class IsbListing {
    static final String NAME = "isb";

    private IsbListing() {}

    /** The listing of {@code file}; a file that cannot be read is the user's error, as for the frames. */
    static String of(Path file) {
        try {
            CaptureStatistics s = CaptureStatistics.read(file);
            return format(s.interfaces(), s.blocks());
        } catch (IOException | RuntimeException e) {
            throw UserError.failure(file + ": cannot read its statistics blocks: " + e.getMessage());
        }
    }

    static String format(List<InterfaceInfo> interfaces, List<InterfaceStatistics> blocks) {
        StringBuilder b = new StringBuilder("=== Interface Statistics Blocks ===\n");
        if (blocks.isEmpty()) b.append("(none)\n");
        for (InterfaceStatistics s : blocks) {
            String name = interfaces.stream().filter(i -> i.id() == s.interfaceId()).map(InterfaceInfo::name)
                    .filter(n -> n != null).findFirst().orElse("");
            b.append("interface ").append(s.interfaceId());
            if (!name.isEmpty()) b.append(" (").append(name).append(')');
            b.append(" at ").append(Instant.ofEpochSecond(0, s.timestampNanos()));
            counter(b, "ifrecv", s.received());
            counter(b, "ifdrop", s.interfaceDrops());
            counter(b, "filteraccept", s.filterAccepted());
            counter(b, "osdrop", s.osDrops());
            counter(b, "usrdeliv", s.userDelivered());
            if (s.startNanos().isPresent()) b.append(" starttime=").append(Instant.ofEpochSecond(0, s.startNanos().getAsLong()));
            if (s.comment() != null) b.append(" comment=\"").append(s.comment()).append('"');
            b.append('\n');
        }
        return b.append("===================================\n").toString();
    }

    private static void counter(StringBuilder b, String name, OptionalLong value) {
        if (value.isPresent()) b.append(' ').append(name).append('=').append(Long.toUnsignedString(value.getAsLong()));
    }
}
