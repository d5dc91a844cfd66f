package dev.cellscope.cli;

import dev.cellscope.cli.errors.UserError;
import dev.cellscope.filter.DisplayFilter;
import dev.cellscope.filter.FilterException;
import dev.cellscope.output.CaptureStatistic;
import dev.cellscope.output.ConversationStats;
import dev.cellscope.output.ExpertSummary;
import dev.cellscope.output.FollowStream;
import dev.cellscope.output.IoStats;
import dev.cellscope.output.SbiOpStats;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/** Parses a {@code -z} argument into its statistic, tshark-style. */
final class Statistics {
    private Statistics() {}

    static final String KNOWN = "expert, follow,utcp,STREAM, conv,utcp, conv,tether, endpoints,cellid, io,stat,INTERVAL[,FILTER]..., sbi,ops";

    static CaptureStatistic parse(String z) {
        return switch (z) {
            case "expert" -> new ExpertSummary();
            case "conv,utcp" -> new ConversationStats(ConversationStats.Kind.UTCP);
            case "conv,tether" -> new ConversationStats(ConversationStats.Kind.TETHER);
            case "endpoints,cellid" -> new ConversationStats(ConversationStats.Kind.CELLID_ENDPOINTS);
            case "sbi,ops" -> new SbiOpStats();
            default -> {
                if (z.startsWith("follow,utcp,")) yield new FollowStream(number(z.substring("follow,utcp,".length()), z));
                if (z.startsWith("io,stat,")) yield ioStat(z.substring("io,stat,".length()));
                throw UserError.usage("-z: unknown statistic '" + z + "' (" + KNOWN + ")");
            }
        };
    }

    private static long number(String n, String z) {
        try {
            return Long.parseLong(n);
        } catch (NumberFormatException e) {
            throw UserError.usage("-z " + z + ": '" + n + "' is not a stream number (see utcp.stream)");
        }
    }

    /** Says on stderr that a -z io,stat table uses a wider interval than asked (like plot's --interval note). */
    static void noteWidened(IoStats io) {
        System.err.println("cellscope: -z io,stat: an interval of " + seconds(io.requestedNanos()) + " s would need more than "
                + IoStats.MAX_INTERVALS + " rows for this capture; using " + seconds(io.intervalNanos()) + " s");
    }

    private static String seconds(long nanos) {
        return BigDecimal.valueOf(nanos, 9).stripTrailingZeros().toPlainString();
    }

    /** INTERVAL in seconds (decimals allowed; 0 = the whole capture), then display filters, comma-separated. */
    private static IoStats ioStat(String spec) {
        String[] parts = spec.split(",", -1);
        long nanos;
        try {
            BigDecimal seconds = new BigDecimal(parts[0]);
            if (seconds.signum() < 0) throw new NumberFormatException();
            nanos = seconds.movePointRight(9).longValueExact();
        } catch (NumberFormatException | ArithmeticException e) {
            throw UserError.usage("-z io,stat: '" + parts[0] + "' is not an interval in seconds");
        }
        List<DisplayFilter> filters = new ArrayList<>();
        for (int i = 1; i < parts.length; i++) {
            try {
                filters.add(DisplayFilter.compile(parts[i]));
            } catch (FilterException e) {
                throw UserError.usage("-z io,stat filter " + i + ": " + e.getMessage() + "\n" + e.caretLine());
            }
        }
        return new IoStats(nanos, filters);
    }
}
