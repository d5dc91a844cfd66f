package dev.cellscope.expert;

import static dev.cellscope.expert.ExpertGroup.*;
import static dev.cellscope.expert.ExpertInfo.*;

/** Findings about the captured frame as a whole. */
public final class FrameExperts {
    private FrameExperts() {}

    public static final ExpertInfo LINK_TYPE_UNKNOWN = note("frame.link_type_unknown", PROTOCOL,
            "The capture's link type is not one cellscope decodes; the frame is shown as data");
    public static final ExpertInfo DISSECTOR_FAILURE = error("frame.dissector_failure", MALFORMED,
            "A dissector failed on this frame (a cellscope bug); the tree stops where it failed");
    public static final ExpertInfo SNAPLEN_CUT = note("frame.snaplen_cut", MALFORMED,
            "Fewer bytes were captured than the frame had on the wire (snaplen)");
}
