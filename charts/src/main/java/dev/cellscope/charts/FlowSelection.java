package dev.cellscope.charts;

import dev.cellscope.field.FieldFormat;
import dev.cellscope.flow.SeriesTetherFlow;
import dev.cellscope.flow.SeriesUtcpDirection;
import dev.cellscope.flow.TimeSeries;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Picks the series a {@code --flow} value names. Throws {@link NoSuchFlow} (with the flows
 * there are) when it names none.
 *
 * <ul>
 * <li><b>UTCP direction</b> ({@code --kind seq}): {@code STREAM} is the stream's first direction
 *     with DATA (the side that sent first); {@code STREAM:0} / {@code STREAM:1} the first / second;
 *     {@code STREAM:HEX} the direction whose sender CellID starts with HEX. Omitted: the
 *     direction with the most DATA packets (on a tie, the one with more NACKs and retransmissions).</li>
 * <li><b>Tether account</b> ({@code --kind grant}): {@code SENDER,TARGET,FLOW} with Tether ids
 *     ({@code ac:1d:11:22:33:44}, colons optional), or {@code N}, the account's position in the
 *     list the error message and {@code --flow list} print. Omitted: the account with the most
 *     bytes granted plus spent.</li>
 * </ul>
 */
public final class FlowSelection {
    private FlowSelection() {}

    /** The value names no flow; the message lists those there are. */
    public static final class NoSuchFlow extends RuntimeException {
        public NoSuchFlow(String message) {
            super(message);
        }
    }

    /** How many flows an error lists before "…". */
    static final int LISTED = 30;

    public static SeriesUtcpDirection utcp(TimeSeries ts, String spec) {
        List<SeriesUtcpDirection> all = ts.utcp();
        if (all.isEmpty()) throw new NoSuchFlow("no UTCP DATA in the capture: nothing to plot");
        if (spec == null) {
            // Most DATA; on a tie the one with more losses, which is what a Stevens graph is for.
            return all.stream().max(Comparator.comparingLong((SeriesUtcpDirection d) -> d.data().seen())
                    .thenComparingLong(d -> d.retransmissions().seen() + d.nacks().seen())).orElseThrow();
        }
        String s = spec.strip();
        int colon = s.indexOf(':');
        String streamPart = colon < 0 ? s : s.substring(0, colon), dirPart = colon < 0 ? "0" : s.substring(colon + 1);
        long stream;
        try {
            stream = Long.parseLong(streamPart);
        } catch (NumberFormatException e) {
            throw new NoSuchFlow("--flow '" + spec + "' is not STREAM, STREAM:0|1 or STREAM:CELLID-PREFIX\n" + listUtcp(all));
        }
        String dir = dirPart.toLowerCase(Locale.ROOT);
        for (SeriesUtcpDirection d : all) {
            if (d.stream() != stream) continue;
            if (dir.equals(Integer.toString(d.index())) || (dir.length() > 1 && dir.matches("[0-9a-f]+") && d.src().startsWith(dir))) return d;
        }
        throw new NoSuchFlow("no UTCP direction '" + spec + "' with DATA in the capture\n" + listUtcp(all));
    }

    public static int tetherIndex(TimeSeries ts, String spec) {
        List<SeriesTetherFlow> all = ts.tether();
        if (all.isEmpty()) throw new NoSuchFlow("no Tether traffic in the capture: nothing to plot");
        if (spec == null) return all.indexOf(ts.busiestTether());
        String s = spec.strip();
        if (s.matches("\\d+")) {
            int i = Integer.parseInt(s);
            if (i < all.size()) return i;
            throw new NoSuchFlow("no Tether account #" + s + " (there are " + all.size() + ")\n" + listTether(all));
        }
        String[] parts = s.split(",");
        if (parts.length == 3) {
            long sender = tetherId(parts[0]), target = tetherId(parts[1]);
            int flow = parts[2].strip().matches("\\d{1,5}") ? Integer.parseInt(parts[2].strip()) : -1;
            for (int i = 0; i < all.size(); i++) {
                SeriesTetherFlow f = all.get(i);
                if (f.sender() == sender && f.target() == target && f.flow() == flow) return i;
            }
        }
        throw new NoSuchFlow("no Tether account '" + spec + "' (give SENDER,TARGET,FLOW or a number)\n" + listTether(all));
    }

    /** A Tether id as {@code ac:1d:11:22:33:44} or 12 hex digits; -1 when it is neither. */
    static long tetherId(String s) {
        String hex = s.strip().replace(":", "").replace("-", "").toLowerCase(Locale.ROOT);
        return hex.matches("[0-9a-f]{12}") ? Long.parseLong(hex, 16) : -1;
    }

    public static String listUtcp(List<SeriesUtcpDirection> all) {
        StringBuilder b = new StringBuilder("UTCP directions (--flow STREAM:DIR):");
        int n = 0;
        for (SeriesUtcpDirection d : all) {
            if (n++ == LISTED) {
                b.append("\n  … ").append(all.size() - LISTED).append(" more");
                break;
            }
            b.append(String.format("%n  %-8s %s… → %s…  %,d DATA packets", d.id(), d.src().substring(0, 8), d.dst().substring(0, 8), d.data().seen()));
        }
        return b.toString();
    }

    public static String listTether(List<SeriesTetherFlow> all) {
        StringBuilder b = new StringBuilder("Tether accounts (--flow N or SENDER,TARGET,FLOW):");
        for (int i = 0; i < all.size(); i++) {
            if (i == LISTED) {
                b.append("\n  … ").append(all.size() - LISTED).append(" more");
                break;
            }
            SeriesTetherFlow f = all.get(i);
            b.append(String.format("%n  %3d  %s  %,d bytes granted, %,d spent", i, f.id(), f.grantTotal(), f.spentTotal()));
        }
        return b.toString();
    }

    static String mac(long id) {
        return FieldFormat.mac(id);
    }
}
