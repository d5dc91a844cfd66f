package dev.cellscope.endpoint.utcp;

import dev.cellscope.endpoint.core.Link;
import dev.cellscope.endpoint.core.NoisyEvents;
import dev.cellscope.endpoint.core.Scheduler;
import dev.cellscope.protocol.utcp.UtcpFlags;
import dev.cellscope.protocol.utcp.UtcpSeq;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.Decoded;
import dev.cellscope.wire.UtcpHeader;
import dev.cellscope.wire.UtcpPacket;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.random.RandomGenerator;

/**
 * A UTCP node on one {@link Link}: owns our CellIDs, applies the NetSwitch rule to every received
 * frame (dst must be ours, src must be allowed, checked on the header before anything else),
 * and hands the rest to the {@link UtcpConnection} of the (our CellID, peer CellID) pair. Use it
 * on the scheduler's thread only.
 *
 * <p>Connections opened by peers are capped ({@link UtcpConfig#maxConnections}, per link address
 * {@link UtcpConfig#maxConnectionsPerSource}, not yet open {@link UtcpConfig#maxHalfOpen}). A SYN
 * beyond a cap evicts the connection idle longest among those it may displace — never one we
 * opened, and never a {@linkplain #preferredPeers preferred} (address-book) peer's for a peer
 * that is not — or is refused (dropped) when there is none. Both are counted.
 *
 * <p>A peer's SYN with a new seq replaces its old connection once that one is over for the peer (closed and
 * lingering, the peer's direction finished, or nothing heard from it for a second): the peer restarted or moved
 * on, and its next put or get must not wait out our timers ({@link dev.cellscope.protocol.utcp.UtcpReconnect}).
 *
 * @param <A> how the link addresses a neighbour
 */
public final class UtcpEndpoint<A> implements AutoCloseable {

    private record Key(Bytes local, Bytes peer) {}

    /** Where a connection came from and whether a peer's SYN opened it (only those are capped and evicted). */
    private record Origin(Object source, boolean accepted) {}

    private final Scheduler scheduler;
    private final Link<A> link;
    private final List<Bytes> localIds;
    private final UtcpConfig cfg;
    private final RandomGenerator random;
    private final Map<Key, UtcpConnection> connections = new HashMap<>();
    private final Map<UtcpConnection, Origin> origins = new HashMap<>();
    private Set<Bytes> allowList;
    private Set<Bytes> preferred = Set.of();
    private Consumer<UtcpConnection> acceptor;
    private Consumer<String> onEvent;
    /** Lines one frame from anyone can cause (drops, refusals, evictions): at most one per kind per second. */
    private final NoisyEvents noisy;
    private long unknownDst, srcNotAllowed, malformed, noConnection, accepted, evicted, refused, replaced;
    /** Read pauses of connections already gone (the live ones' are in their counters). */
    private long readPausesGone;

    /** One CellID, every peer allowed. */
    public UtcpEndpoint(Scheduler scheduler, Link<A> link, Bytes cellId, UtcpConfig cfg) {
        this(scheduler, link, List.of(cellId), null, cfg);
    }

    /**
     * @param cellIds   the CellIDs we answer to; the first is used by {@link #connect(Bytes, Object)}
     * @param allowList the peers we accept frames from; null = any
     */
    public UtcpEndpoint(Scheduler scheduler, Link<A> link, Collection<Bytes> cellIds, Set<Bytes> allowList, UtcpConfig cfg) {
        this.scheduler = Objects.requireNonNull(scheduler);
        this.link = Objects.requireNonNull(link);
        this.localIds = List.copyOf(cellIds);
        if (localIds.isEmpty()) throw new IllegalArgumentException("an endpoint needs a CellID");
        for (Bytes id : localIds) requireCellId(id);
        this.allowList = allowList == null ? null : Set.copyOf(allowList);
        this.cfg = Objects.requireNonNull(cfg);
        this.noisy = new NoisyEvents(scheduler, this::event);
        this.random = cfg.seed() == null ? new SecureRandom() : new SplittableRandom(cfg.seed());
        link.onReceive(this::onFrame);
    }

    /** Replaces the allow-list; null allows every peer. */
    public void allowList(Set<Bytes> peers) {
        this.allowList = peers == null ? null : Set.copyOf(peers);
    }

    /** Peers (address-book entries) whose connections an unknown peer's SYN never evicts. */
    public void preferredPeers(Set<Bytes> peers) {
        this.preferred = peers == null ? Set.of() : Set.copyOf(peers);
    }

    /** Accepts connections opened by peers' SYNs; the handler runs before the SYN is answered, so it can set listeners. */
    public void listen(Consumer<UtcpConnection> onAccept) {
        this.acceptor = onAccept;
    }

    /** Endpoint events (NetSwitch drops, accepts) and every connection's events, prefixed "ours>peer". */
    public void onEvent(Consumer<String> listener) {
        this.onEvent = listener;
    }

    public UtcpConnection connect(Bytes peer, A address) {
        return connect(localIds.getFirst(), peer, address);
    }

    /** Opens a connection from our CellID {@code local} to {@code peer} at {@code address}: sends our SYN. */
    public UtcpConnection connect(Bytes local, Bytes peer, A address) {
        if (!localIds.contains(local)) throw new IllegalArgumentException(local.hex() + " is not one of our CellIDs");
        requireCellId(peer);
        Key key = new Key(local, peer);
        UtcpConnection existing = connections.get(key);
        if (existing != null && !existing.isClosed()) throw new IllegalStateException("already connected: " + existing);
        UtcpConnection c = newConnection(key, address, false);
        c.start();
        return c;
    }

    public Collection<UtcpConnection> connections() {
        return List.copyOf(connections.values());
    }

    public List<Bytes> cellIds() {
        return localIds;
    }

    public SwitchCounters switchCounters() {
        return new SwitchCounters(unknownDst, srcNotAllowed, malformed, noConnection, accepted, evicted, refused, replaced);
    }

    /** Times any connection of ours stopped reading because its queued output was over the bound. */
    public long readPauses() {
        long n = readPausesGone;
        for (UtcpConnection c : connections.values()) n += c.counters().readPauses();
        return n;
    }

    public UtcpConfig config() {
        return cfg;
    }

    /** Aborts every connection and closes the link. */
    @Override
    public void close() {
        // One FIN each before the link closes: peers that have our whole stream end at once rather than time out.
        for (UtcpConnection c : new ArrayList<>(connections.values())) c.abortWithFin("endpoint closed");
        link.close();
    }

    private UtcpConnection newConnection(Key key, A address, boolean acceptedFromPeer) {
        long isn = random.nextLong() & UtcpSeq.MASK;
        UtcpConnection[] self = new UtcpConnection[1];
        self[0] = new UtcpConnection(scheduler, cfg, key.local(), key.peer(), isn,
                frame -> link.send(address, frame),
                () -> {
                    if (origins.containsKey(self[0])) readPausesGone += self[0].counters().readPauses();
                    connections.remove(key, self[0]);
                    origins.remove(self[0]);
                },
                onEvent == null ? null : this::event);
        connections.put(key, self[0]);
        origins.put(self[0], new Origin(address, acceptedFromPeer));
        return self[0];
    }

    /**
     * Makes room for a connection from {@code peer} at {@code source}: under every cap, or after
     * evicting the idlest connection each full cap allows. False = refuse the SYN.
     */
    private boolean makeRoom(Bytes peer, A source) {
        boolean known = preferred.contains(peer);
        int total = 0, fromSource = 0, halfOpen = 0;
        for (Map.Entry<UtcpConnection, Origin> e : origins.entrySet()) {
            if (!e.getValue().accepted() || e.getKey().isClosed()) continue;
            total++;
            if (e.getValue().source().equals(source)) fromSource++;
            if (!e.getKey().isOpen()) halfOpen++;
        }
        if (fromSource >= cfg.maxConnectionsPerSource() && !evictIdlest(known, source, false, "from " + source)) return false;
        if (halfOpen >= cfg.maxHalfOpen() && !evictIdlest(known, null, true, "half-open")) return false;
        if (total >= cfg.maxConnections() && !evictIdlest(known, null, false, "in total")) return false;
        return true;
    }

    /** Aborts the idlest accepted connection matching the filters that a newcomer ({@code known} or not) may displace. */
    private boolean evictIdlest(boolean newcomerKnown, Object source, boolean halfOpenOnly, String cap) {
        UtcpConnection victim = null;
        boolean victimKnown = true;
        for (Map.Entry<UtcpConnection, Origin> e : origins.entrySet()) {
            UtcpConnection c = e.getKey();
            if (!e.getValue().accepted() || c.isClosed()) continue;
            if (source != null && !e.getValue().source().equals(source)) continue;
            if (halfOpenOnly && c.isOpen()) continue;
            boolean known = preferred.contains(c.peerCellId());
            if (known && !newcomerKnown) continue;
            // Unknown peers go before known ones; among equals, the one idle longest.
            if (victim == null || (victimKnown && !known)
                    || (victimKnown == known && c.lastActivityNanos() < victim.lastActivityNanos())) {
                victim = c;
                victimKnown = known;
            }
        }
        if (victim == null) return false;
        evicted++;
        noisy.event("evicted", "evicted connection from " + victim.peerCellId().hex() + " (idlest; connection cap " + cap + " reached)");
        victim.abort("evicted: connection cap " + cap + " reached");
        return true;
    }

    private void onFrame(A from, byte[] frame) {
        // NetSwitch: judge the header's CellIDs before the payload is even looked at.
        if (!(UtcpHeader.decode(frame) instanceof Decoded.Ok<UtcpHeader>(UtcpHeader h, int ignored))) {
            malformed++;
            return;
        }
        if (!localIds.contains(h.dst())) {
            unknownDst++;
            noisy.event("unknown-dst", "dropped frame for unknown CellID " + h.dst().hex() + " from " + from);
            return;
        }
        if (allowList != null && !allowList.contains(h.src())) {
            srcNotAllowed++;
            noisy.event("not-allowed", "dropped frame from CellID " + h.src().hex() + " (not allowed) via " + from);
            return;
        }
        if (!(UtcpPacket.decode(frame) instanceof Decoded.Ok<UtcpPacket>(UtcpPacket p, int alsoIgnored))) {
            malformed++;
            return;
        }
        Key key = new Key(h.dst(), h.src());
        UtcpConnection c = connections.get(key);
        if (c != null && acceptor != null && h.has(UtcpFlags.SYN) && c.supersededBy(h.seq())) {
            replaced++;
            noisy.event("replaced", "connection from " + h.src().hex() + " replaced: the peer opened a new one (SYN seq " + h.seq() + ") via " + from);
            c.supersede();
            c = null;
        }
        if (c != null) {
            accepted++;
            c.receive(p);
        } else if (h.has(UtcpFlags.SYN) && acceptor != null) {
            if (!makeRoom(h.src(), from)) {
                refused++;
                noisy.event("refused", "refused connection from " + h.src().hex() + " via " + from + ": connection caps reached");
                return;
            }
            accepted++;
            c = newConnection(key, from, true);
            noisy.event("accepted", "accepted connection from " + h.src().hex() + " via " + from);
            acceptor.accept(c);
            c.acceptSyn(h.seq());
        } else {
            noConnection++;
        }
    }

    private void event(String text) {
        if (onEvent != null) onEvent.accept(text);
    }

    private static void requireCellId(Bytes id) {
        if (id.length() != UtcpHeader.CELLID_SIZE) throw new IllegalArgumentException("a CellID is 16 bytes, not " + id.length());
    }
}
