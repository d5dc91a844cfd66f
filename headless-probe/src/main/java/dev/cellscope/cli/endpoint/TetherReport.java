package dev.cellscope.cli.endpoint;

import dev.cellscope.endpoint.tether.SendResult;
import dev.cellscope.endpoint.tether.TetherStats;

/** The Tether commands' end-of-run words: the counters in one line, and why a send failed. */
final class TetherReport {
    private TetherReport() {
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
