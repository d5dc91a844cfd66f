package dev.cellscope.analysis;

import dev.cellscope.expert.Expert;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * A UTCP-SBI message that a single pass could only complete when the capture ended: it was held
 * behind a hole that nothing filled and nothing proved lost in time. It has gone through the same
 * analysis as any message (links, handshake, verification); the session dissects it after the
 * last frame into whatever gathers statistics and reports its findings, naming {@link #frame()}.
 *
 * @param stream   the conversation ({@code utcp.stream})
 * @param cellIds  the sender's CellID then the receiver's, 16 bytes each
 * @param message  the message and what the analysis linked to it
 * @param findings what the analysis found about it (shown with the message)
 */
public record ReleasedMessage(int stream, MemorySegment cellIds, SbiMessageAnalysis message, List<Expert> findings) {
    public ReleasedMessage {
        findings = List.copyOf(findings);
    }

    /** The frame that completed the message: a second pass shows it there. */
    public long frame() {
        return message.delivery().completedIn();
    }

    /** The capture time of {@link #frame()}. */
    public long timeNanos() {
        return message.delivery().completedAtNanos();
    }
}
