package dev.cellscope.replay.peer;

/**
 * One UTCP-SBI message of a captured conversation, as its sender wrote it into the stream.
 *
 * @param index      its msg_index in its direction (0-based, every message counts: what ref_seq names)
 * @param bytes      the whole message (envelope, preamble, container), as captured
 * @param startNanos capture time of the frame that carried its first byte
 * @param endNanos   capture time of the frame that carried its last byte
 * @param frame      number of that last frame in the capture
 */
public record CapturedMessage(int index, byte[] bytes, long startNanos, long endNanos, long frame) {}
