package dev.cellscope.replay;

/**
 * When frames go out, as tcpreplay's options name it: the captured gaps (scaled by
 * {@code -x}), a packet rate ({@code --pps}), a bit rate ({@code --mbps}) or as fast as the
 * interface takes them ({@code -t}).
 */
public sealed interface Pacing {

    /** The captured gaps divided by {@code multiplier} (2: twice as fast). */
    record AsCaptured(double multiplier) implements Pacing {
        public AsCaptured {
            if (!(multiplier > 0) || Double.isInfinite(multiplier)) throw new IllegalArgumentException("multiplier must be a positive number");
        }
    }

    /** A fixed number of frames per second, whatever the capture's gaps. */
    record PacketRate(double perSecond) implements Pacing {
        public PacketRate {
            if (!(perSecond > 0) || Double.isInfinite(perSecond)) throw new IllegalArgumentException("packet rate must be a positive number");
        }
    }

    /** A fixed number of megabits (10^6 bits) of frame bytes per second. */
    record BitRate(double megabitsPerSecond) implements Pacing {
        public BitRate {
            if (!(megabitsPerSecond > 0) || Double.isInfinite(megabitsPerSecond)) throw new IllegalArgumentException("bit rate must be a positive number");
        }
    }

    /** No schedule: batches as fast as the interface takes them. */
    record TopSpeed() implements Pacing {}
}
