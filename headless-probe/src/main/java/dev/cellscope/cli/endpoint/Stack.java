package dev.cellscope.cli.endpoint;

import dev.cellscope.cli.UserError;
import dev.cellscope.endpoint.core.Link;
import dev.cellscope.endpoint.core.RealScheduler;
import dev.cellscope.endpoint.identity.AddressBook;
import dev.cellscope.endpoint.identity.NodeIdentity;
import dev.cellscope.endpoint.mesh.MeshNode;
import dev.cellscope.endpoint.sbi.SbiConfig;
import dev.cellscope.endpoint.sim.FaultyLink;
import dev.cellscope.endpoint.store.ContentStore;
import dev.cellscope.endpoint.transport.UdpLink;
import dev.cellscope.endpoint.utcp.UtcpConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/** A running node for one command: scheduler, link (with optional faults), mesh node; prints events. */
final class Stack<A> implements AutoCloseable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    final RealScheduler scheduler;
    final Link<A> link;
    final MeshNode<A> node;
    final NodeIdentity identity;
    final AddressBook book;
    private final FaultyLink<A> faulty;

    private Stack(RealScheduler scheduler, Link<A> link, FaultyLink<A> faulty, MeshNode<A> node, NodeIdentity identity, AddressBook book) {
        this.scheduler = scheduler;
        this.link = link;
        this.faulty = faulty;
        this.node = node;
        this.identity = identity;
        this.book = book;
    }

    /** A UDP node (the only transport until raw Ethernet lands in this command). */
    static Stack<java.net.InetSocketAddress> udp(NodeOptions o, boolean serving, PrintStream events) {
        if (!o.transport.equals("udp")) {
            throw UserError.usage("--transport " + o.transport + ": only udp is available in this command so far");
        }
        NodeIdentity identity = o.identity();
        AddressBook book = o.addressBook();
        RealScheduler scheduler = new RealScheduler("cellscope-endpoint");
        Link<java.net.InetSocketAddress> link;
        try {
            link = UdpLink.bind(o.bindAddress(serving), scheduler);
        } catch (RuntimeException e) {
            scheduler.close();
            throw UserError.failure("cannot bind UDP " + o.bindAddress(serving) + ": " + e.getMessage());
        }
        FaultyLink<java.net.InetSocketAddress> faulty = o.faulty() ? new FaultyLink<>(link, scheduler, o.faults(), o.seed) : null;
        ContentStore store;
        try {
            store = ContentStore.open(o.store);
        } catch (IOException e) {
            link.close();
            scheduler.close();
            throw UserError.failure(o.store + ": cannot open the content store: " + e.getMessage());
        }
        SbiConfig config = SbiConfig.of(identity).withCapabilities(o.capabilities()).withRequired(o.required());
        MeshNode<java.net.InetSocketAddress> node = scheduler.submit(() -> new MeshNode<>(scheduler, faulty != null ? faulty : link,
                identity, store, config, o.allowList(book), UtcpConfig.defaults())).join();
        node.onEvent(e -> events.println(LocalTime.now().format(TIME) + " " + e));
        events.println(LocalTime.now().format(TIME) + " node " + identity.cellIdText() + " (tether " + identity.tetherIdText()
                + ") on udp " + ((UdpLink) link).localAddress() + ", store " + o.store);
        return new Stack<>(scheduler, link, faulty, node, identity, book);
    }

    String faultSummary() {
        return faulty == null ? "" : " (faults injected on send: " + faulty.summary() + ")";
    }

    @Override
    public void close() {
        scheduler.submit(() -> {
            node.close();
            return null;
        }).join();
        link.close();
        scheduler.close();
    }
}
