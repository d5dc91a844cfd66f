package dev.cellscope.io;

/**
 * Why a capture file stopped yielding packets early: the byte offset where the damage
 * starts and what was wrong there. The packets before it were delivered.
 */
public record CaptureError(long offset, String message) {
    @Override
    public String toString() {
        return message + " (at byte offset " + offset + ")";
    }
}
