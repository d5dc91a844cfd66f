package dev.cellscope.cli.endpoint;

import dev.cellscope.cli.UserError;
import dev.cellscope.crypto.Identities;
import dev.cellscope.endpoint.core.Link;
import dev.cellscope.endpoint.core.RealScheduler;
import dev.cellscope.endpoint.identity.AddressBook;
import dev.cellscope.endpoint.identity.NodeIdentity;
import dev.cellscope.endpoint.mesh.MeshNode;
import dev.cellscope.endpoint.sbi.SbiConfig;
import dev.cellscope.endpoint.sim.FaultyLink;
import dev.cellscope.endpoint.store.ContentStore;
import dev.cellscope.endpoint.utcp.UtcpConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * A running node for one command: scheduler, link (with optional faults) on the chosen
 * transport, and — for the SBI commands — a mesh node; prints events, one line each.
 *
 * @param <A> how neighbours are addressed on the transport
 */
final class Stack<A> implements AutoCloseable {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS");

    final RealScheduler scheduler;
    final Transport<A> transport;
    /** The link the protocols use: the transport's, behind the fault injector when faults are asked for. */
    final Link<A> link;
    final NodeIdentity identity;
    final AddressBook book;
    private final Link<A> raw;
    private final FaultyLink<A> faulty;
    private final PrintStream events;
    private MeshNode<A> node;

    private Stack(RealScheduler scheduler, Transport<A> transport, Link<A> raw, FaultyLink<A> faulty, NodeIdentity identity,
                  AddressBook book, PrintStream events) {
        this.scheduler = scheduler;
        this.transport = transport;
        this.raw = raw;
        this.faulty = faulty;
        this.link = faulty != null ? faulty : raw;
        this.identity = identity;
        this.book = book;
        this.events = events;
    }

    /** Opens the transport {@code o} names; {@code serving} picks UDP's well-known port as the default bind. */
    static Stack<?> open(NodeOptions o, boolean serving, PrintStream events) {
        return open(Transport.of(o, serving), o, events);
    }

    private static <A> Stack<A> open(Transport<A> transport, NodeOptions o, PrintStream events) {
        NodeIdentity identity = o.identity();
        AddressBook book = o.addressBook();
        RealScheduler scheduler = new RealScheduler("cellscope-endpoint");
        Link<A> raw;
        try {
            raw = transport.open(scheduler);
        } catch (RuntimeException e) {
            scheduler.close();
            throw e;
        }
        FaultyLink<A> faulty = o.faulty() ? new FaultyLink<>(raw, scheduler, o.faults(), o.seed) : null;
        return new Stack<>(scheduler, transport, raw, faulty, identity, book, events);
    }

    /** The UTCP-SBI node on this link, with the store {@code o} names. Once per stack: it takes over the link's receiver. The caller closes the stack on failure. */
    MeshNode<A> mesh(NodeOptions o) {
        if (node != null) throw new IllegalStateException("mesh node already made");
        ContentStore store;
        try {
            store = ContentStore.open(o.store);
        } catch (IOException e) {
            throw UserError.failure(o.store + ": cannot open the content store: " + e.getMessage());
        }
        SbiConfig config = SbiConfig.of(identity).withCapabilities(o.capabilities()).withRequired(o.required());
        node = scheduler.submit(() -> new MeshNode<>(scheduler, link, identity, store, config, o.allowList(book),
                UtcpConfig.defaults())).join();
        node.onEvent(this::event);
        event("node " + identity.cellIdText() + " (tether " + tetherIdText() + ") on " + transport.describe() + ", store " + o.store);
        return node;
    }

    /** Our Tether identity on this transport (see {@link Transport#tetherId}). */
    long tetherId() {
        return transport.tetherId(identity);
    }

    String tetherIdText() {
        return Identities.formatTetherId(tetherId());
    }

    A address(String where) {
        return transport.address(where);
    }

    /** One line, time-stamped; callable from any thread. */
    void event(String what) {
        events.println(LocalTime.now().format(TIME) + " " + what);
    }

    /** What was done to the traffic besides the protocols: injected faults, sends the link dropped. */
    String faultSummary() {
        return (faulty == null ? "" : " (faults injected on send: " + faulty.summary() + ")") + transport.trouble();
    }

    @Override
    public void close() {
        if (node != null) {
            scheduler.submit(() -> {
                node.close();
                return null;
            }).join();
        }
        raw.close();
        scheduler.close();
    }
}
