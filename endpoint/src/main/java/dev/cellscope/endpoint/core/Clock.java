package dev.cellscope.endpoint.core;

/** The stack's only source of time: wall time on real sockets, virtual time in simulations. */
@FunctionalInterface
public interface Clock {
    /** Nanoseconds since an arbitrary origin (UTC epoch for the real clock); never decreases. */
    long nanos();
}
