package dev.cellscope.replay.peer;

/**
 * Where the live peer's answers part from the captured ones.
 *
 * @param index    position of the answer: msg_index in the peer's direction (UTCP-SBI: the captured message's,
 *                 or the live one's when the capture has none to pair it with), or its place among
 *                 the receiver's answers of its kind (Tether)
 * @param captured what the capture has there, or null (the live peer sent more)
 * @param live     what the live peer sent there, or null (it sent less, or stopped)
 * @param what     the fields that differ, in words
 */
public record Difference(int index, PeerAnswer captured, PeerAnswer live, String what) {}
