package dev.cellscope.replay.peer;

/**
 * Where the live peer's answers part from the captured ones.
 *
 * @param index    msg_index of the answer in the peer's direction
 * @param captured what the capture has there, or null (the live peer sent more)
 * @param live     what the live peer sent there, or null (it sent less, or stopped)
 * @param what     the fields that differ, in words
 */
public record Difference(int index, Answer captured, Answer live, String what) {}
