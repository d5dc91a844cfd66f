package dev.cellscope.endpoint.tether;

/**
 * How a {@link TetherSender} behaves. Times are nanoseconds of the scheduler's clock.
 *
 * @param localId          this endpoint's 48-bit identity
 * @param targetId         the receiver's identity
 * @param flow             data flow, 1–65535
 * @param slotSize         payload bytes per slot; a multiple of 64 keeps slots free of padding
 * @param lamp             light a Lamp first (cold start) and again whenever control credit runs dry
 * @param lampData         "deep-space" mode: data slots go LAMP-flagged, spend no credit and do not wait for grants
 * @param controlGrant     flow-0 credit granted to the receiver with the Define (pays its bulk Nacks)
 * @param retryNanos       Lamp, Define and Manifest retry interval
 * @param maxRetries       retries of any one of those before giving up
 * @param deadlineNanos    the whole transfer must be confirmed within this
 * @param overrunBytes     fault injection for test peers only: when credit runs out, send up to this many Tether
 *                         bytes of data frames anyway, without a grant (a misbehaving sender); 0 = never overrun
 */
public record TetherSenderConfig(long localId, long targetId, int flow, int slotSize, boolean lamp, boolean lampData,
                                 long controlGrant, long retryNanos, int maxRetries, long deadlineNanos, long overrunBytes) {
    public static final long LAMP_GRANT = dev.cellscope.protocol.tether.TetherCredit.LAMP_GRANT;

    public TetherSenderConfig {
        if (flow < 1 || flow > 0xFFFF) throw new IllegalArgumentException("data flow must be 1..65535: " + flow);
        if (slotSize < 1) throw new IllegalArgumentException("slot size must be positive: " + slotSize);
        if (retryNanos <= 0 || deadlineNanos <= 0 || maxRetries < 0 || controlGrant < 0 || overrunBytes < 0) {
            throw new IllegalArgumentException("bad timing: " + this);
        }
    }

    /** Flow 1, 1024-byte slots, Lamp cold start, 16 KiB control grant, 50 ms retries (8), 60 s deadline. */
    public static TetherSenderConfig of(long localId, long targetId) {
        return new TetherSenderConfig(localId, targetId, 1, 1024, true, false, 16_384, 50_000_000L, 8, 60_000_000_000L, 0);
    }

    public TetherSenderConfig withFlow(int f) {
        return new TetherSenderConfig(localId, targetId, f, slotSize, lamp, lampData, controlGrant, retryNanos, maxRetries, deadlineNanos, overrunBytes);
    }

    public TetherSenderConfig withSlotSize(int s) {
        return new TetherSenderConfig(localId, targetId, flow, s, lamp, lampData, controlGrant, retryNanos, maxRetries, deadlineNanos, overrunBytes);
    }

    public TetherSenderConfig withLamp(boolean l) {
        return new TetherSenderConfig(localId, targetId, flow, slotSize, l, lampData, controlGrant, retryNanos, maxRetries, deadlineNanos, overrunBytes);
    }

    public TetherSenderConfig withLampData(boolean d) {
        return new TetherSenderConfig(localId, targetId, flow, slotSize, lamp, d, controlGrant, retryNanos, maxRetries, deadlineNanos, overrunBytes);
    }

    public TetherSenderConfig withTiming(long retry, int retries, long deadline) {
        return new TetherSenderConfig(localId, targetId, flow, slotSize, lamp, lampData, controlGrant, retry, retries, deadline, overrunBytes);
    }

    /**
     * Fault injection for test peers (scenario captures, analyzer tests): a misbehaving sender that
     * overruns its credit by up to {@code bytes} Tether bytes of data frames. Never for real transfers.
     */
    public TetherSenderConfig withOverrun(long bytes) {
        return new TetherSenderConfig(localId, targetId, flow, slotSize, lamp, lampData, controlGrant, retryNanos, maxRetries, deadlineNanos, bytes);
    }
}
