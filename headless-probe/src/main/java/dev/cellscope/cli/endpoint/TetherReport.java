package dev.cellscope.cli.endpoint;

import dev.cellscope.endpoint.tether.SendResult;
import dev.cellscope.endpoint.tether.TetherStats;

/** The Tether commands' end-of-run words: the counters in one line, and why a send failed. */
final class TetherReport {
    private TetherReport() {
    }

    /**
     * The end-of-run line, printed once: by the command when it ends, or by its SIGTERM hook, whichever comes first.
     * The hook returns only once the line is out (the JVM halts after the hooks), so it waits for the command's.
     */
    static final class Once {
        private boolean printed;

        synchronized void print(java.util.function.Supplier<String> line) {
            if (printed) return;
            printed = true;
            System.out.println(line.get());
            System.out.flush();
        }
    }

    /** The command ended on its own: its SIGTERM hook is not needed (and cannot be removed once the JVM is stopping). */
    static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException stopping) {
            // the hook runs or ran: the Once already printed, it adds nothing
        }
    }

    static String counters(TetherStats s) {
        return "frames sent " + s.framesSent() + " (" + s.bytesSent() + " bytes), received " + s.framesReceived()
                + "; grants given " + s.grantsGiven() + " (" + s.grantBytesGiven() + " bytes), grant bytes received " + s.grantBytesReceived()
                + "; NACKs " + s.singletonNacks() + " singleton + " + s.bulkNacks() + " bulk (" + s.nackedSlots() + " slots)"
                + "; re-sends " + s.resends() + "; CRC drops " + s.crcDrops()
                + "; malformed " + s.malformed() + ", duplicates " + s.duplicates() + ", misaddressed " + s.misaddressed()
                + "; lamps lit " + s.lampsSent() + ", answered " + s.lampsAnswered() + ", re-grants " + s.regrants()
                + "; refused Defines " + s.refusedDefines() + ", stray frames " + s.strayFrames() + ", abandoned flows " + s.abandonedFlows();
    }

    /** Why a transfer ended unconfirmed, in terms the user can act on. */
    static String reason(SendResult.Status status, boolean lamp, long timeoutSeconds, double silenceSeconds) {
        return switch (status) {
            case CONFIRMED -> "confirmed";
            case NO_HAIL -> "no answer to the Lamp (is tether-recv running there, for this Tether ID?)";
            case NO_CREDIT -> lamp ? "the receiver granted no credit for the Define or the data"
                    : "no control credit: without --lamp the receiver must invite us (tether-recv --from OUR-ID@OUR-ADDRESS)";
            case UNCONFIRMED -> "the receiver never confirmed the Manifest (its checksum check failed, or every confirmation was lost)";
            case DEADLINE -> "not confirmed within " + timeoutSeconds + " s (--timeout)";
            case SILENT -> "the receiver has not answered for " + new java.text.DecimalFormat("0.###").format(silenceSeconds)
                    + " s (is it still running?) (--silence-timeout)";
            case CANCELLED -> "cancelled";
        };
    }
}
