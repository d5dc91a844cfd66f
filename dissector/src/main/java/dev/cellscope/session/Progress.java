package dev.cellscope.session;

import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * How far a session has come: a snapshot any thread may take while it runs.
 *
 * @param pass       the pass under way, 1 or 2 (0 before the first frame is read)
 * @param passes     how many passes the session makes
 * @param frames     frames done in this pass
 * @param bytes      bytes of the source consumed by those frames
 * @param totalBytes the source's size when it has one (a file); empty for a live source
 */
public record Progress(int pass, int passes, long frames, long bytes, OptionalLong totalBytes) {

    /** The fraction of the whole session done, 0 to 1, when the source has a size. */
    public OptionalDouble fraction() {
        if (totalBytes.isEmpty() || totalBytes.getAsLong() <= 0 || pass == 0) return OptionalDouble.empty();
        double inPass = Math.min(1.0, (double) bytes / totalBytes.getAsLong());
        return OptionalDouble.of(((pass - 1) + inPass) / passes);
    }
}
