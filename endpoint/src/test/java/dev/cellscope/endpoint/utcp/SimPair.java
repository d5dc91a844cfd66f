package dev.cellscope.endpoint.utcp;

import dev.cellscope.endpoint.core.VirtualScheduler;
import dev.cellscope.endpoint.sim.Fate;
import dev.cellscope.endpoint.sim.FaultModel;
import dev.cellscope.endpoint.sim.MemoryWire;
import dev.cellscope.protocol.utcp.UtcpFlags;
import dev.cellscope.wire.Bytes;
import dev.cellscope.wire.Decoded;
import dev.cellscope.wire.UtcpHeader;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/** Two UTCP endpoints, "a" and "b", on a simulated wire in virtual time, with a record of what the tap saw. */
final class SimPair {
    static final Bytes A = cell(0xA1), B = cell(0xB2), STRANGER = cell(0xEE);

    record Seen(long time, String from, String to, UtcpHeader header, Fate fate) {
        boolean has(long flag) {
            return header != null && header.has(flag);
        }
    }

    final VirtualScheduler scheduler = new VirtualScheduler(1_000_000_000L);
    final MemoryWire wire;
    final UtcpEndpoint<String> a, b;
    final List<Seen> seen = new ArrayList<>();
    final List<String> events = new ArrayList<>();
    final MessageDigest trace = sha256();
    /** What "b" accepted, and everything it received on it. */
    UtcpConnection accepted;
    final ByteArrayOutputStream receivedAtB = new ByteArrayOutputStream();
    final MessageDigest receivedAtBHash = sha256();
    boolean keepBytes;

    SimPair(FaultModel faults, long seed, UtcpConfig cfg) {
        wire = new MemoryWire(scheduler, faults, seed);
        wire.onWire((t, from, to, payload, fate) -> {
            UtcpHeader h = UtcpHeader.decode(payload) instanceof Decoded.Ok<UtcpHeader>(UtcpHeader x, int n) ? x : null;
            seen.add(new Seen(t, from, to, h, fate));
            trace.update((t + " " + from + " " + to + " " + fate + " ").getBytes());
            trace.update(payload);
        });
        a = new UtcpEndpoint<>(scheduler, wire.port("a"), A, cfg.withSeed(seed * 31 + 1));
        b = new UtcpEndpoint<>(scheduler, wire.port("b"), B, cfg.withSeed(seed * 31 + 2));
        a.onEvent(e -> events.add("a " + e));
        b.onEvent(e -> events.add("b " + e));
        b.listen(c -> {
            accepted = c;
            c.onData(bytes -> {
                receivedAtBHash.update(bytes);
                if (keepBytes) receivedAtB.writeBytes(bytes);
            });
            // b sends nothing: it closes its direction once a's stream has ended.
            c.onEnd(c::close);
        });
    }

    static Bytes cell(int fill) {
        byte[] id = new byte[UtcpHeader.CELLID_SIZE];
        java.util.Arrays.fill(id, (byte) fill);
        return Bytes.of(id);
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] data = new byte[n];
        new Random(seed).nextBytes(data);
        return data;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static String sha256(byte[] data) {
        return HexFormat.of().formatHex(sha256().digest(data));
    }

    String receivedHash() {
        return HexFormat.of().formatHex(receivedAtBHash.digest());
    }

    String traceHash() {
        return HexFormat.of().formatHex(trace.digest());
    }

    /** Frames the tap saw from {@code from} carrying {@code flag}, delivered or not. */
    long count(String from, long flag) {
        return seen.stream().filter(s -> s.from().equals(from) && s.has(flag)).count();
    }

    /** a opens to b, queues {@code data}, closes after it; runs until both ends have ended or {@code maxNanos}. */
    UtcpConnection transfer(byte[] data, long maxNanos) {
        UtcpConnection c = a.connect(B, "b");
        c.writeAll(data, c::close);
        scheduler.runUntil(() -> c.isClosed() && accepted != null && accepted.isClosed(), maxNanos);
        return c;
    }
}
