package dev.cellscope.replay.peer;

/**
 * One answer of a live or captured peer, as a replay compares it: a UTCP-SBI message
 * ({@link Answer}) or what a Tether receiver sent a sender ({@link TetherAnswer}). The report
 * prints and writes both the same way.
 */
public sealed interface PeerAnswer permits Answer, TetherAnswer {
    /** One line for the text report. */
    String describe();

    /** One JSON object for the {@code --report} file. */
    String json();
}
