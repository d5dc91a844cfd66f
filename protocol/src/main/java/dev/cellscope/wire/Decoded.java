package dev.cellscope.wire;

import java.util.Objects;
import java.util.function.Function;

/**
 * Result of a decoder: a value with the bytes it consumed, a corrupt input with its cause,
 * or (for stream decoders) a message whose end has not arrived yet. Decoders return this
 * instead of throwing, so that bad bytes on the wire can never take the dissector down.
 */
public sealed interface Decoded<T> permits Decoded.Ok, Decoded.Invalid, Decoded.Incomplete {

    /** A decoded value; {@code length} bytes of the input belong to it. */
    record Ok<T>(T value, int length) implements Decoded<T> {
        public Ok {
            Objects.requireNonNull(value, "value");
            if (length < 0) throw new IllegalArgumentException("negative length " + length);
        }
    }

    /** The input is corrupt; {@code offset} (relative to the input start) is where the problem is. */
    record Invalid<T>(String cause, long offset) implements Decoded<T> {
        public Invalid {
            if (cause == null || cause.isBlank()) throw new IllegalArgumentException("an Invalid needs a cause");
        }
    }

    /**
     * The input is a correct prefix so far, but the message needs {@code needed} bytes and only
     * {@code available} are present: a stream reader waits for more instead of giving up.
     */
    record Incomplete<T>(long needed, long available) implements Decoded<T> {
        public Incomplete {
            if (needed <= available) throw new IllegalArgumentException("needs " + needed + ", has " + available);
        }

        public String cause() {
            return "incomplete: need " + needed + " bytes, have " + available;
        }
    }

    static <T> Decoded<T> ok(T value, int length) {
        return new Ok<>(value, length);
    }

    static <T> Decoded<T> invalid(String cause, long offset) {
        return new Invalid<>(cause, offset);
    }

    static <T> Decoded<T> incomplete(long needed, long available) {
        return new Incomplete<>(needed, available);
    }

    /** The value, or an {@link IllegalStateException} naming the cause (for callers that built the input). */
    default T orElseThrow() {
        return switch (this) {
            case Ok<T> ok -> ok.value();
            case Invalid<T> bad -> throw new IllegalStateException(bad.cause() + " at offset " + bad.offset());
            case Incomplete<T> inc -> throw new IllegalStateException(inc.cause());
        };
    }

    /** The same outcome with the value transformed. */
    default <U> Decoded<U> map(Function<? super T, ? extends U> f) {
        return switch (this) {
            case Ok<T>(T value, int length) -> new Ok<>(f.apply(value), length);
            case Invalid<T>(String cause, long offset) -> new Invalid<>(cause, offset);
            case Incomplete<T>(long needed, long available) -> new Incomplete<>(needed, available);
        };
    }

    /** The same outcome with the same value type, for a failure to pass through a different decoder. */
    @SuppressWarnings("unchecked")
    default <U> Decoded<U> failure() {
        if (this instanceof Ok) throw new IllegalStateException("not a failure: " + this);
        return (Decoded<U>) this;
    }

    /** Re-bases a failure of a part decoded at {@code base} within the caller's input. */
    default Decoded<T> shifted(long base) {
        return switch (this) {
            case Ok<T> ok -> ok;
            case Invalid<T>(String cause, long offset) -> new Invalid<>(cause, offset + base);
            case Incomplete<T>(long needed, long available) -> new Incomplete<>(needed + base, available + base);
        };
    }
}
