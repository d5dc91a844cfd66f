package dev.cellscope.endpoint.tether;

import dev.cellscope.protocol.tether.TetherFlags;
import dev.cellscope.protocol.tether.TetherCredit;
import dev.cellscope.endpoint.core.Link;
import dev.cellscope.endpoint.core.Scheduler;
import dev.cellscope.wire.TetherControl.Define;
import dev.cellscope.wire.TetherControl.Manifest;
import dev.cellscope.wire.TetherFrame;
import dev.cellscope.wire.TetherHeader;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Receives Tether flows addressed to this identity: answers Lamps, accepts Defines, grants
 * credit as its window drains, NACKs missing slots, checks Manifests and confirms. Several
 * senders and flows may be in progress at once, one {@link InboundFlow} each.
 */
public final class TetherReceiver<A> {
    private final TetherReceiverConfig config;
    private final TetherCounters counters = new TetherCounters();
    private final TetherPort<A> port;
    private final Scheduler scheduler;
    private final Map<Long, InboundFlow<A>> flows = new HashMap<>();
    private final CompletableFuture<Reception> first = new CompletableFuture<>();
    private Consumer<Reception> onReception = r -> { };

    public TetherReceiver(Link<A> link, Scheduler scheduler, TetherReceiverConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.scheduler = scheduler;
        this.port = new TetherPort<>(config.localId(), link, scheduler, counters, config.hailGrant());
    }

    public TetherReceiver<A> listener(TetherListener l) {
        port.listener(l);
        return this;
    }

    /** Called (on the scheduler's thread) for every finished flow, good or bad. */
    public TetherReceiver<A> onReception(Consumer<Reception> c) {
        onReception = Objects.requireNonNull(c, "onReception");
        return this;
    }

    /** Starts listening on the link. */
    public TetherReceiver<A> start() {
        scheduler.execute(() -> port.attach(this::onFrame));
        return this;
    }

    /** The first flow finished. */
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
                    InboundFlow<A> f = flows.get(key(h.sender(), m.targetFlow()));
                    if (f == null) port.event("manifest for unknown flow " + m.targetFlow());
                    else f.manifest(m);
                }
                case null, default -> { }
            }
            long spent = TetherCredit.cost(h.flags(), frame.encodedSize());
            if (spent > 0) controlSpent(h.sender(), spent);
            return;
        }
        InboundFlow<A> f = flows.get(key(h.sender(), h.flowId()));
        if (frame.payload().length() == 0) { // a sender's header-only LAMP frame is a credit probe
            if (f != null && TetherFlags.isLamp(h.flags())) f.probe();
            return;
        }
        if (f == null) {
            port.event("drop: data on flow " + h.flowId() + " before its Define");
            return;
        }
        f.data(h.slotId(), frame.payload().toArray(), frame.encodedSize(), h.flags());
    }

    /** The sender's flow-0 bytes are re-granted with our next bulk Nack on any of its flows. */
    private void controlSpent(long sender, long len) {
        for (Map.Entry<Long, InboundFlow<A>> e : flows.entrySet()) {
            if (e.getKey() >>> 16 == sender && e.getValue().result() == null) {
                e.getValue().controlSpent(len);
                return;
            }
        }
    }

    private void define(A from, long sender, Define d) {
        InboundFlow<A> existing = flows.get(key(sender, d.targetFlow()));
        if (existing != null && existing.result() == null) {
            // A repeated Define (ours or its grant was lost): the stall timer re-grants if needed.
            if (!existing.define.equals(d)) port.event("conflicting Define for flow " + d.targetFlow() + " ignored");
            return;
        }
        if (d.targetFlow() == 0 || d.slotSize() == 0 || Long.compareUnsigned(d.totalBytes(), config.maxBytes()) > 0
                || d.totalBytes() > Integer.MAX_VALUE - 8) {
            port.event("refused Define for flow " + d.targetFlow() + ": " + d);
            return;
        }
        if (existing != null && existing.define.equals(d)) return; // finished already; a late copy
        port.event("define from " + from + ": flow " + d.targetFlow() + ", " + d.totalBytes() + " bytes in slots of " + d.slotSize());
        flows.put(key(sender, d.targetFlow()), new InboundFlow<>(port, config, from, sender, d, this::finished));
    }

    private void finished(Reception r) {
        onReception.accept(r);
        first.complete(r);
    }
}
