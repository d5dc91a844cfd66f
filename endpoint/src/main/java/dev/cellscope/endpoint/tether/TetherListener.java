package dev.cellscope.endpoint.tether;

/** Receives human-readable events of a Tether endpoint ("lamp lit", "nack 3 slots", ...), on the scheduler's thread. */
@FunctionalInterface
public interface TetherListener {
    TetherListener NONE = event -> { };

    void onEvent(String event);
}
