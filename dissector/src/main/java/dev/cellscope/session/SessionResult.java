package dev.cellscope.session;

import dev.cellscope.expert.Expert;
import dev.cellscope.io.CaptureError;

import java.util.List;
import java.util.Optional;

/**
 * How a session ended.
 *
 * @param frames    frames delivered to the consumers (in the last pass)
 * @param damage    where and why the source stopped early, when it did; the frames before it were delivered
 * @param findings  findings about the capture as a whole (tap loss, unanswered NACKs…); empty without analysis
 * @param cancelled whether {@link CaptureSession#cancel()} ended it
 */
public record SessionResult(long frames, Optional<CaptureError> damage, List<Expert> findings, boolean cancelled) {
    public SessionResult {
        findings = List.copyOf(findings);
    }
}
