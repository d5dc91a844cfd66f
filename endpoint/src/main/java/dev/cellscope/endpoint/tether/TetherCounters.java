package dev.cellscope.endpoint.tether;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Live counters of one endpoint. Written on the scheduler's thread, readable from any thread
 * (a CLI progress line), hence atomics.
 */
final class TetherCounters {
    final AtomicLong framesSent = new AtomicLong(), bytesSent = new AtomicLong(), framesReceived = new AtomicLong(),
            grantsGiven = new AtomicLong(), grantBytesGiven = new AtomicLong(), grantBytesReceived = new AtomicLong(),
            creditMin = new AtomicLong(Long.MAX_VALUE), singletonNacks = new AtomicLong(), bulkNacks = new AtomicLong(),
            nackedSlots = new AtomicLong(), resends = new AtomicLong(), crcDrops = new AtomicLong(),
            malformed = new AtomicLong(), misaddressed = new AtomicLong(), duplicates = new AtomicLong(),
            lampsSent = new AtomicLong(), lampsAnswered = new AtomicLong(), regrants = new AtomicLong(),
            refusedDefines = new AtomicLong(), strayFrames = new AtomicLong(), abandonedFlows = new AtomicLong();

    /**
     * Adds a u64 byte count to a total, saturating at {@code Long.MAX_VALUE}: a grant of 2^64−1 (as a long, −1) made
     * "grant bytes received" read 4095 after the next 4096 (review of tether-send). The ledger saturates the same way.
     */
    static long saturatingAdd(long total, long amount) {
        if (amount < 0 || total > Long.MAX_VALUE - amount) return Long.MAX_VALUE;
        return total + amount;
    }

    void creditLeft(long balance) {
        creditMin.accumulateAndGet(balance, Math::min);
    }

    TetherStats snapshot() {
        return new TetherStats(framesSent.get(), bytesSent.get(), framesReceived.get(), grantsGiven.get(),
                grantBytesGiven.get(), grantBytesReceived.get(), creditMin.get(), singletonNacks.get(), bulkNacks.get(),
                nackedSlots.get(), resends.get(), crcDrops.get(), malformed.get(), misaddressed.get(), duplicates.get(),
                lampsSent.get(), lampsAnswered.get(), regrants.get(),
                refusedDefines.get(), strayFrames.get(), abandonedFlows.get());
    }
}
