package dev.cellscope.nativetap.packet;

/**
 * A capture filter could not be compiled: libpcap's own message (the same words tcpdump prints
 * for the same expression), or why libpcap could not be used at all.
 */
public final class CaptureFilterException extends IllegalArgumentException {
    CaptureFilterException(String message) {
        super(message);
    }
}
