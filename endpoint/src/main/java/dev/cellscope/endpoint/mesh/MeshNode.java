package dev.cellscope.endpoint.mesh;

import dev.cellscope.endpoint.core.Link;
import dev.cellscope.endpoint.core.Scheduler;
import dev.cellscope.endpoint.identity.NodeIdentity;
import dev.cellscope.endpoint.sbi.BlockKeeper;
import dev.cellscope.endpoint.sbi.SbiConfig;
import dev.cellscope.endpoint.sbi.SbiListener;
import dev.cellscope.endpoint.sbi.SbiPeer;
import dev.cellscope.endpoint.sbi.SbiPeerLimits;
import dev.cellscope.endpoint.store.Chunker;
import dev.cellscope.endpoint.store.ContentStore;
import dev.cellscope.endpoint.store.ObjectManifest;
import dev.cellscope.endpoint.utcp.UtcpConfig;
import dev.cellscope.endpoint.utcp.UtcpConnection;
import dev.cellscope.endpoint.utcp.UtcpEndpoint;
import dev.cellscope.wire.Bytes;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A UTCP-SBI mesh node: one identity, one content store, one UTCP endpoint on a link. It
 * serves every peer that connects (an {@link SbiPeer} per connection) and opens connections to
 * put or get objects. Everything runs on the scheduler's thread.
 *
 * @param <A> how neighbours are addressed on the link
 */
public final class MeshNode<A> implements AutoCloseable {
    private final Scheduler scheduler;
    private final ContentStore store;
    private BlockKeeper keeper;
    private final SbiConfig config;
    private final SbiPeerLimits limits;
    private final UtcpEndpoint<A> endpoint;
    private Consumer<String> events = e -> {};
    private final java.util.Set<SbiPeer> live = new java.util.HashSet<>();
    private long offersEvictedGone;

    public MeshNode(Scheduler scheduler, Link<A> link, NodeIdentity identity, ContentStore store, SbiConfig config,
                    Set<Bytes> allowList, UtcpConfig utcp) {
        this(scheduler, link, identity, store, config, SbiPeerLimits.defaults(), allowList, allowList, utcp);
    }

    /**
     * @param preferred peers (the address book's) whose connections an unknown peer never displaces
     *                  when the connection caps are reached; null = none
     */
    public MeshNode(Scheduler scheduler, Link<A> link, NodeIdentity identity, ContentStore store, SbiConfig config,
                    SbiPeerLimits limits, Set<Bytes> allowList, Set<Bytes> preferred, UtcpConfig utcp) {
        this.scheduler = scheduler;
        this.store = store;
        this.keeper = BlockKeeper.inline(store);
        this.config = config;
        this.limits = limits;
        this.endpoint = new UtcpEndpoint<>(scheduler, link, java.util.List.of(Bytes.of(identity.cellId())), allowList, utcp);
        endpoint.preferredPeers(preferred);
        endpoint.onEvent(e -> events.accept(e));
    }

    /**
     * Writes received blocks with {@code keeper} from now on (default: inline, on the scheduler's thread;
     * the CLI's stack uses {@link BlockKeeper#onThread}). The node closes it.
     */
    public void keepBlocksWith(BlockKeeper keeper) {
        this.keeper.close();
        this.keeper = java.util.Objects.requireNonNull(keeper);
    }

    /** Where peer and connection events go (one line each). */
    public void onEvent(Consumer<String> listener) {
        this.events = listener;
    }

    public UtcpEndpoint<A> endpoint() {
        return endpoint;
    }

    /** Accepts connections and serves each with an SBI peer on this node's store. */
    public void serve() {
        endpoint.listen(connection -> {
            SbiPeer peer = attach(connection);
            connection.onOpen(peer::start);
        });
    }

    /** Opens a connection to {@code peerCellId} at {@code address}; the returned peer starts once it is open. */
    public SbiPeer connect(Bytes peerCellId, A address) {
        UtcpConnection connection = endpoint.connect(peerCellId, address);
        SbiPeer peer = attach(connection);
        connection.onOpen(peer::start);
        return peer;
    }

    private SbiPeer attach(UtcpConnection connection) {
        // UTCP events reach the endpoint's listener already ("ours>peer …"); SBI events are named here.
        String who = connection.peerCellId().hex().substring(0, 8) + "…";
        SbiPeer[] peer = new SbiPeer[1];
        UtcpSbiStream stream = UtcpSbiStream.attach(connection, new ForwardingReceiver(peer, this::gone));
        peer[0] = new SbiPeer(config, limits, store, keeper, scheduler, stream);
        live.add(peer[0]);
        peer[0].addListener(new SbiListener() {
            @Override
            public void onEvent(String event) {
                events.accept(who + " sbi: " + event);
            }
        });
        return peer[0];
    }

    /** The stream is attached before the peer exists (the peer needs the stream): forward to it. */
    private void gone(SbiPeer peer) {
        if (live.remove(peer)) offersEvictedGone += peer.counters().offersEvicted();
    }

    /** Offers to us forgotten unfinished by every SBI peer of this node (see {@link SbiPeerLimits}). */
    public long offersEvicted() {
        long n = offersEvictedGone;
        for (SbiPeer p : live) n += p.counters().offersEvicted();
        return n;
    }

    public SbiPeerLimits limits() {
        return limits;
    }

    private record ForwardingReceiver(SbiPeer[] peer, Consumer<SbiPeer> gone) implements dev.cellscope.endpoint.sbi.SbiStream.Receiver {
        @Override
        public void onBytes(byte[] chunk) {
            peer[0].onBytes(chunk);
        }

        @Override
        public void onClosed(String reason) {
            peer[0].onClosed(reason);
            gone.accept(peer[0]);
        }
    }

    public ContentStore store() {
        return store;
    }

    /**
     * Chunks {@code file} into our store (as {@link SbiPeer#put} does) and returns its manifest, for
     * {@link SbiPeer#putObject}. Call it off the scheduler thread, before connecting: hashing and
     * writing a large file takes seconds, and a scheduler busy with it answers no packet or timer
     * (a 100 MB file held up the SYN exchange for 4 s, and the RTT measured from it).
     */
    public ObjectManifest chunk(Path file) throws IOException {
        return Chunker.store(store, file, config.blockSize());
    }

    @Override
    public void close() {
        endpoint.close();
        keeper.close();
    }
}
