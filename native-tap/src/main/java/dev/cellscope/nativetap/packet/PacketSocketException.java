package dev.cellscope.nativetap.packet;

import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A {@link PacketSocket} or {@link TpacketV3Ring} call failed. The message names the failed call and the errno symbol,
 * e.g. "AF_PACKET needs root or CAP_NET_RAW (socket: EPERM)"; {@link #errnoName()} gives the
 * symbol alone (null when the failure is not an errno, such as an interface of the wrong type).
 * Unchecked, like the endpoint's other link errors, and an {@link UncheckedIOException} so a
 * caller that handles I/O failures in general catches it too.
 */
public final class PacketSocketException extends UncheckedIOException {
    private final String errnoName;

    PacketSocketException(String message, String errnoName) {
        super(message, new IOException(message));
        this.errnoName = errnoName;
    }

    /** The failing call's errno as its symbol ({@code EPERM}, {@code ENETDOWN}…), or null. */
    public String errnoName() {
        return errnoName;
    }
}
