package dev.cellscope.endpoint.tether;

import dev.cellscope.protocol.tether.TetherFlags;
import dev.cellscope.protocol.tether.TetherCredit;
import dev.cellscope.protocol.tether.TetherSlots;
import dev.cellscope.crypto.Identities;
import dev.cellscope.endpoint.core.Link;
import dev.cellscope.endpoint.core.Scheduler;
import dev.cellscope.wire.TetherControl.Define;
import dev.cellscope.wire.TetherControl.Manifest;
import dev.cellscope.wire.TetherFrame;
import dev.cellscope.wire.TetherHeader;

import dev.cellscope.wire.TetherControl.Hail;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Receives Tether flows addressed to this identity: answers Lamps, accepts Defines, grants
 * credit as its window drains, NACKs missing slots, checks Manifests and confirms. Several
 * senders and flows may be in progress at once, one {@link InboundFlow} each.
 *
 * <p>It admits a flow only from a sender that completed the Lamp exchange at the address the
 * Define comes from (we answered its Lamp there, or it answered our invitation), and only within
 * the config's limits (announced size per flow and per source, announced total, open flows): a
 * peer that merely sends Defines gets nothing, neither memory nor grants. A flow is confirmed only
 * once its {@link #keeper} has kept the content (written it durably, say).
 */
public final class TetherReceiver<A> {
    private final TetherReceiverConfig config;
    private final TetherCounters counters = new TetherCounters();
    private final TetherPort<A> port;
    private final Scheduler scheduler;
    private final Map<Long, InboundFlow<A>> flows = new HashMap<>();
    /** Senders that completed the Lamp exchange, and where: the only ones a Define is taken from. Oldest forgotten first. */
    private final Map<Long, A> lit = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, A> eldest) {
            return size() > MAX_LIT;
        }
    };
    /** Senders we invited (lit a Lamp to), and where: their Hail completes the exchange. */
    private final Map<Long, A> invited = new HashMap<>();
    private final CompletableFuture<Reception> first = new CompletableFuture<>();
    private Consumer<Reception> onReception = r -> { };
    private Function<Reception, CompletionStage<?>> keeper = r -> CompletableFuture.completedFuture(null);
    /** total_bytes announced by the open flows (not finished, not abandoned). */
    private long announced;

    /**
     * Lamp exchanges remembered. A flood of Lamps from invented IDs pushes the oldest out; a real
     * sender's Define follows its Hail within a round trip, long before 16k newer Lamps arrive at
     * any rate this receiver can answer.
     */
    static final int MAX_LIT = 16_384;

    public TetherReceiver(Link<A> link, Scheduler scheduler, TetherReceiverConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.scheduler = scheduler;
        this.port = new TetherPort<>(config.localId(), link, scheduler, counters, config.hailGrant());
        port.onLampAnswered((from, sender) -> lit.put(sender, from));
        // A grant counts only from a sender bound to that address by the Lamp exchange (or in a Lamp, which pays its own
        // answer): the 16 KiB in a refused, un-Lamped Define used to be credited all the same (review of tether-recv).
        port.creditOnlyIf((from, frame) -> TetherPort.isLamp(frame) || from.equals(lit.get(frame.header().sender()))
                || from.equals(invited.get(frame.header().sender())));
    }

    /** Flow-{@code flow} credit this receiver holds towards {@code sender} (tests). */
    long credit(long sender, int flow) {
        return port.credit.balance(sender, flow);
    }

    public TetherReceiver<A> listener(TetherListener l) {
        port.listener(l);
        return this;
    }

    /**
     * Keeps a flow that passed its checks before it is confirmed: called on the scheduler's thread,
     * the confirmation goes out once the returned stage completes normally (any thread). If it fails,
     * the flow is not confirmed and {@link #completion} fails with its exception. Default: nothing to keep.
     */
    public TetherReceiver<A> keeper(Function<Reception, CompletionStage<?>> k) {
        keeper = Objects.requireNonNull(k, "keeper");
        return this;
    }

    /** Called (on the scheduler's thread) for every finished flow, good or bad (a good one once kept). */
    public TetherReceiver<A> onReception(Consumer<Reception> c) {
        onReception = Objects.requireNonNull(c, "onReception");
        return this;
    }

    /** Starts listening on the link. */
    public TetherReceiver<A> start() {
        scheduler.execute(() -> port.attach(this::onFrame));
        return this;
    }

    /** The first flow finished (kept, if it was good), or the keeper's failure. */
    public CompletableFuture<Reception> completion() {
        return first;
    }

    public TetherStats stats() {
        return counters.snapshot();
    }

    /**
     * Invites a sender that will not light a Lamp itself: a Lamp from this side, whose grant
     * pays the sender's Hail reply (128) and funds its Define and Manifests ({@code controlCredit}).
     */
    public void invite(A peer, long peerId, long controlCredit) {
        scheduler.execute(() -> {
            invited.put(peerId, peer);
            port.lamp(peer, peerId, TetherSenderConfig.LAMP_GRANT + controlCredit);
            port.event("invited " + peer);
        });
    }

    private static long key(long sender, int flow) {
        return sender << 16 | flow;
    }

    private void onFrame(A from, TetherFrame frame) {
        TetherHeader h = frame.header();
        if (h.flowId() == 0) {
            switch (TetherPort.control(frame)) {
                case Define d -> define(from, h.sender(), d);
                case Manifest m -> {
                    InboundFlow<A> f = flow(from, h.sender(), m.targetFlow(), "manifest");
                    if (f != null) f.manifest(m);
                }
                case Hail ignored when !TetherFlags.isLamp(h.flags()) && from.equals(invited.get(h.sender())) -> {
                    invited.remove(h.sender());
                    lit.put(h.sender(), from); // the answer to our invitation
                }
                case null, default -> { }
            }
            long spent = TetherCredit.cost(h.flags(), frame.encodedSize());
            if (spent > 0) controlSpent(from, h.sender(), spent);
            return;
        }
        InboundFlow<A> f = flow(from, h.sender(), h.flowId(), frame.payload().length() == 0 ? "probe" : "data");
        if (f == null) return;
        if (frame.payload().length() == 0) { // a sender's header-only LAMP frame is a credit probe
            if (TetherFlags.isLamp(h.flags())) f.probe();
            return;
        }
        f.data(h.slotId(), frame.payload().toArray(), frame.encodedSize(), h.flags());
    }

    /**
     * The accepted flow a frame from {@code from} belongs to, or null (dropped and counted as stray). A sender's Tether
     * ID is public, so the ID alone proves nothing: frames of a flow count only from the address its Define came from,
     * the one the Lamp exchange bound (review: a Manifest spoofed from another port ended a flow "checksum BAD").
     */
    private InboundFlow<A> flow(A from, long sender, int flow, String what) {
        InboundFlow<A> f = flows.get(key(sender, flow));
        if (f == null) {
            stray(what + " on flow " + flow + " from " + from + " without an accepted Define");
            return null;
        }
        if (!f.peer.equals(from)) {
            port.counters.strayFrames.incrementAndGet();
            port.noisy("spoofed", "drop: " + what + " on flow " + flow + " of " + Identities.formatTetherId(sender) + " from " + from
                    + ", not from " + f.peer + " where its Define came from");
            return null;
        }
        return f;
    }

    private void stray(String what) {
        port.counters.strayFrames.incrementAndGet();
        port.noisy("stray", "drop: " + what);
    }

    /** The sender's flow-0 bytes are re-granted with our next bulk Nack on any of its flows. */
    private void controlSpent(A from, long sender, long len) {
        for (Map.Entry<Long, InboundFlow<A>> e : flows.entrySet()) {
            if (e.getKey() >>> 16 == sender && e.getValue().open() && e.getValue().peer.equals(from)) {
                e.getValue().controlSpent(len);
                return;
            }
        }
    }

    private void define(A from, long sender, Define d) {
        InboundFlow<A> existing = flows.get(key(sender, d.targetFlow()));
        if (existing != null && existing.open() && !existing.peer.equals(from)) {
            flow(from, sender, d.targetFlow(), "Define"); // another address: counted as spoofed, it neither keeps the flow alive nor replaces it
            return;
        }
        if (existing != null && existing.open()) {
            // A repeated Define (ours or its grant was lost): the stall timer re-grants if needed.
            if (!existing.define.equals(d)) port.noisy("conflict", "conflicting Define for flow " + d.targetFlow() + " ignored");
            else existing.heard();
            return;
        }
        if (existing != null && existing.define.equals(d)) return; // finished already; a late copy
        Refusal refusal = refusal(from, sender, d);
        if (refusal != null) {
            port.counters.refusedDefines.incrementAndGet();
            port.noisy("refused " + refusal.kind(), "refused Define for flow " + d.targetFlow() + " from " + Identities.formatTetherId(sender)
                    + " at " + from + ": " + refusal.reason());
            return;
        }
        if (existing != null) existing.close();
        port.event("define from " + from + ": flow " + d.targetFlow() + ", " + d.totalBytes() + " bytes in slots of " + d.slotSize());
        announced += d.totalBytes();
        flows.put(key(sender, d.targetFlow()), new InboundFlow<>(port, config, from, sender, d, this::finished, this::abandoned));
    }

    /** Why a Define is refused: {@code kind} keys the once-a-second printing, so one reason cannot hide another. */
    private record Refusal(String kind, String reason) {
    }

    /** Why a Define is not admitted, or null: the Lamp exchange first, then the announced size against the limits. */
    private Refusal refusal(A from, long sender, Define d) {
        if (d.targetFlow() == 0 || d.slotSize() == 0) return new Refusal("malformed", "malformed (flow 0 or slot size 0)");
        if (!from.equals(lit.get(sender))) return new Refusal("unlit", "no Lamp exchange with this sender at this address");
        if (TetherSlots.frameLength(d.slotSize()) > config.maxFrame()) {
            return new Refusal("frame", "slots of " + d.slotSize() + " bytes make " + TetherSlots.frameLength(d.slotSize())
                    + "-byte frames; the transport carries at most " + config.maxFrame());
        }
        String announces = Long.toUnsignedString(d.totalBytes());
        if (Long.compareUnsigned(d.totalBytes(), config.maxBytes()) > 0) {
            return new Refusal("flow-bytes", "announces " + announces + " bytes, more than the " + config.maxBytes() + " a flow may");
        }
        long slots = TetherSlots.count(d.totalBytes(), d.slotSize());
        if (slots > config.maxSlots()) return new Refusal("slots", "announces " + slots + " slots, more than " + config.maxSlots());
        long open = flows.values().stream().filter(InboundFlow::open).count();
        if (open >= config.maxFlows()) {
            return new Refusal("flows", open + (open == 1 ? " flow is" : " flows are") + " open already, the most allowed");
        }
        if (announced + d.totalBytes() > config.maxTotalBytes()) {
            return new Refusal("total-bytes", "announces " + announces + " bytes, and open flows announce " + announced + " already; "
                    + config.maxTotalBytes() + " in all are allowed");
        }
        long fromSource = flows.values().stream().filter(f -> f.open() && f.peer.equals(from)).mapToLong(f -> f.define.totalBytes()).sum();
        if (fromSource + d.totalBytes() > config.maxBytes()) {
            return new Refusal("source-bytes", "announces " + announces + " bytes, and this address's open flows announce " + fromSource
                    + " already; " + config.maxBytes() + " per address are allowed");
        }
        return null;
    }

    /** A flow checked out: a good one is kept, then confirmed and reported; a bad one is reported at once. */
    private void finished(InboundFlow<A> flow, Reception r) {
        announced -= flow.define.totalBytes();
        if (!r.ok()) {
            report(r, null);
            return;
        }
        CompletionStage<?> kept;
        try {
            kept = keeper.apply(r);
        } catch (RuntimeException e) {
            kept = CompletableFuture.failedFuture(e);
        }
        kept.whenComplete((ok, e) -> scheduler.execute(() -> {
            if (e == null) flow.kept();
            else port.event("flow " + r.flow() + " not kept, so not confirmed: " + (e.getMessage() != null ? e.getMessage() : e));
            report(r, e);
        }));
    }

    private void report(Reception r, Throwable keeperFailure) {
        if (keeperFailure == null) onReception.accept(r);
        if (keeperFailure != null) first.completeExceptionally(keeperFailure);
        else first.complete(r);
    }

    private void abandoned(InboundFlow<A> flow, boolean open) {
        if (open) {
            announced -= flow.define.totalBytes();
            port.counters.abandonedFlows.incrementAndGet();
            port.event("flow " + flow.define.targetFlow() + " from " + flow.peer + " abandoned: nothing heard for "
                    + config.idleNanos() / 1_000_000_000L + " s");
        }
        flows.remove(key(flow.sender, flow.define.targetFlow()), flow);
    }
}
