package dev.cellscope.endpoint.stack;

/**
 * Why a test peer could not be set up or addressed, in one line a person can act on. The
 * {@link Kind} tells a face whether the request was wrong (a CLI's usage error) or the system
 * refused it (a failure); the message is the same either way.
 */
public final class StackException extends RuntimeException {

    public enum Kind {
        /** What was asked for is malformed: an address, a peer name, a setting. */
        INVALID_REQUEST,
        /** The request was sound but could not be carried out: a bind, an interface, a store. */
        FAILED
    }

    private final Kind kind;

    private StackException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public static StackException invalid(String message) {
        return new StackException(Kind.INVALID_REQUEST, message);
    }

    public static StackException failed(String message) {
        return new StackException(Kind.FAILED, message);
    }

    public Kind kind() {
        return kind;
    }
}
