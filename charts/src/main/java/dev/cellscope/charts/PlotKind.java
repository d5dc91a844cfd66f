package dev.cellscope.charts;

/** The plots {@code cellscope plot --kind} draws. */
public enum PlotKind {
    nack("NACK packets and missing seqs requested per interval, with retransmissions"),
    grant("Tether grant bytes issued vs spent per interval and the running credit of one account"),
    seq("Stevens graph of one UTCP direction: seq vs time, NACKed seqs and retransmissions"),
    io("frames/s, bits/s and goodput bits/s");

    private final String description;

    PlotKind(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }
}
