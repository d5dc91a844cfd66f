package dev.cellscope.endpoint.tether;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * This endpoint's credit for sending to each (peer, flow), as PROTOCOLS.md section 3 counts it:
 * a header from the peer with grant G on flow F adds G; a frame to the peer on F spends what
 * {@link dev.cellscope.protocol.tether.TetherCredit#cost} says (its whole length, nothing for LAMP). Unlike the analyzer's ledger this one refuses a spend it cannot cover, so a
 * balance never goes negative: the endpoint waits for a grant instead of overrunning.
 */
final class CreditLedger {
    /**
     * Balances kept at most: any frame that passes the CRC may carry a grant from any sender ID, so a
     * flood of invented IDs must not grow this without end. The oldest balance goes first; losing a
     * real one costs at worst a bulk Nack sent as singletons, or a relit Lamp.
     */
    static final int MAX_BALANCES = 16_384;

    private final Map<Long, Long> balances = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Long> eldest) {
            return size() > MAX_BALANCES;
        }
    };

    private static long key(long peer, int flow) {
        return peer << 16 | flow; // 48-bit identity, 16-bit flow
    }

    long balance(long peer, int flow) {
        return balances.getOrDefault(key(peer, flow), 0L);
    }

    void grant(long peer, int flow, long amount) {
        if (amount == 0) return;
        // grant_amount is an unsigned u64; saturate rather than wrap.
        long add = amount < 0 ? Long.MAX_VALUE : amount;
        balances.merge(key(peer, flow), add, (a, b) -> a > Long.MAX_VALUE - b ? Long.MAX_VALUE : a + b);
    }

    /** Spends {@code amount} if the balance covers it; returns false and changes nothing otherwise. */
    boolean trySpend(long peer, int flow, long amount) {
        long have = balance(peer, flow);
        if (have < amount) return false;
        if (have == amount) balances.remove(key(peer, flow));
        else balances.put(key(peer, flow), have - amount);
        return true;
    }
}
