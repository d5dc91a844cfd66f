package dev.cellscope.endpoint.tether;

import dev.cellscope.endpoint.core.Link;
import dev.cellscope.wire.TetherControl.Define;
import dev.cellscope.wire.TetherControl.Manifest;
import dev.cellscope.wire.TetherFrame;

import java.util.ArrayList;
import java.util.List;

/**
 * A hand-driven Tether peer at its own port of a {@link TetherHarness} wire, speaking through a {@link TetherPort} of
 * its own to the receiver at port "b": it sends exactly the frames a test writes (hostile ones included) and keeps
 * every frame it receives.
 */
final class WirePeer {
    final TetherPort<String> port;
    final List<byte[]> got = new ArrayList<>();

    WirePeer(TetherHarness h, String name, long id) {
        Link<String> link = h.wire.port(name);
        port = new TetherPort<>(id, link, h.scheduler, new TetherCounters(), 0);
        link.onReceive((from, bytes) -> got.add(bytes));
    }

    void lamp() {
        port.lamp("b", TetherHarness.RECEIVER, TetherSenderConfig.LAMP_GRANT);
    }

    void define(int flow, long total) {
        define(flow, 1024, total);
    }

    void define(int flow, long slotSize, long total) {
        port.sendControl("b", TetherHarness.RECEIVER, 0, 16_384, new Define(flow, slotSize, total));
    }

    /** A data frame for {@code slot}, its payload zero-padded to whole blocks (it spends credit it may not have). */
    void data(int flow, long slot, byte[] payload) {
        port.send("b", TetherHarness.RECEIVER, flow, 0, slot, 0, 0, payload);
    }

    /** A credit probe: the LAMP-flagged header-only frame a starved sender sends, naming the slot it waits to send. */
    void probe(int flow, long slot) {
        port.send("b", TetherHarness.RECEIVER, flow, TetherPort.FLAG_LAMP, slot, 0, 0, new byte[0]);
    }

    void manifest(int flow, long checksum, long slots, long frames) {
        port.sendControl("b", TetherHarness.RECEIVER, 0, 0, new Manifest(flow, checksum, slots, frames));
    }

    List<TetherFrame> frames() {
        return got.stream().map(TetherHarness::frame).toList();
    }

    /** Grant bytes it received on data flows (flow ≠ 0). */
    long dataGrants() {
        return frames().stream().filter(f -> f.header().flowId() != 0).mapToLong(f -> f.header().grantAmount()).sum();
    }
}
