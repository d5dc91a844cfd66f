package dev.cellscope.gui.model;

import dev.cellscope.dissect.FieldSink;
import dev.cellscope.output.FollowStream;
import dev.cellscope.session.CaptureSession;
import dev.cellscope.session.FileSource;
import dev.cellscope.session.FrameConsumer;
import dev.cellscope.session.SessionOptions;
import dev.cellscope.session.SourceException;

import java.nio.file.Path;

/**
 * Follow UTCP stream: the conversation's UTCP-SBI messages in order, each with its frame and fields
 * (verification results included), as {@code cellscope read -z follow,utcp,STREAM} prints them: a
 * session with the analysis the list was made with, feeding the dissector's {@link FollowStream}.
 */
public final class FollowRun {
    private FollowRun() {}

    /** The followed stream as text; on the caller's thread (run it in the background). */
    public static String text(Path file, long stream) throws SourceException {
        FollowStream follow = new FollowStream(stream);
        CaptureSession session = new CaptureSession(new FileSource(file), SessionOptions.of(CaptureLoad.ANALYSIS));
        session.run(new FrameConsumer() {
            @Override
            public FieldSink sink() {
                return follow;
            }

            @Override
            public FieldSink releasedSink() {
                return follow.releasedSink();
            }
        });
        StringBuilder out = new StringBuilder();
        follow.print(out);
        return out.toString();
    }
}
