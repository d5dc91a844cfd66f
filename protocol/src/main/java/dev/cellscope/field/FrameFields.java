package dev.cellscope.field;

import static dev.cellscope.field.FieldDef.*;

/** Fields of the capture record itself (PROTOCOLS.md section 6). */
public final class FrameFields {
    private FrameFields() {}

    public static final FieldDef FRAME = protocol("frame", "Frame", "The captured frame");
    public static final FieldDef NUMBER = uint("frame.number", "Frame number", 32, "1-based position of the frame in the capture");
    public static final FieldDef TIME = of("frame.time", "Arrival time", FieldType.ABSTIME, "Capture timestamp, epoch seconds with nanosecond precision");
    /** tshark's name for the same value, so tshark habits work (-e frame.time_epoch, frame.time_epoch >= …). */
    public static final FieldDef TIME_EPOCH = of("frame.time_epoch", "Epoch arrival time", FieldType.ABSTIME, "The same as frame.time (epoch seconds, nanosecond precision), under tshark's name");
    public static final FieldDef TIME_RELATIVE = of("frame.time_relative", "Time since first frame", FieldType.RELTIME, "Seconds since the first frame of the capture");
    public static final FieldDef TIME_DELTA = of("frame.time_delta", "Time since previous frame", FieldType.RELTIME, "Seconds since the previous frame");
    public static final FieldDef LEN = uint("frame.len", "Frame length on the wire", 32, "Original length of the frame in bytes");
    public static final FieldDef CAP_LEN = uint("frame.cap_len", "Captured length", 32, "Bytes of the frame present in the capture");
    public static final FieldDef INTERFACE_ID = uint("frame.interface_id", "Interface id", 32, "Capture interface index (pcapng IDB number)");
    public static final FieldDef COMMENT = of("frame.comment", "Comment", FieldType.STRING, "Packet comment from the capture file");
    public static final FieldDef PROTOCOLS = of("frame.protocols", "Protocols in frame", FieldType.STRING, "Colon-separated protocol stack, e.g. eth:ethertype:utcp:sbi");
}
