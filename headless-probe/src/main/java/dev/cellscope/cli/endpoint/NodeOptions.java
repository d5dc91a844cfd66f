package dev.cellscope.cli.endpoint;

import dev.cellscope.cli.errors.UserError;
import dev.cellscope.endpoint.identity.AddressBook;
import dev.cellscope.endpoint.identity.NodeIdentity;
import dev.cellscope.endpoint.mesh.MeshNode;
import dev.cellscope.endpoint.sbi.SbiPeerLimits;
import dev.cellscope.endpoint.sim.FaultModel;
import dev.cellscope.endpoint.utcp.UtcpConfig;
import dev.cellscope.endpoint.stack.HostPort;
import dev.cellscope.endpoint.stack.Stack;
import dev.cellscope.endpoint.stack.StackException;
import dev.cellscope.endpoint.stack.Transport;
import dev.cellscope.field.SbiFields;
import dev.cellscope.protocol.sbi.SbiCapability;
import dev.cellscope.wire.Bytes;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Locale;

/** Options every endpoint command shares: identity, address book, transport, faults, capabilities. */
public final class NodeOptions {

    @Option(names = "--key", paramLabel = "FILE", description = "Ed25519 identity (created with 0600 permissions if missing; default ~/.config/cellscope/node.key).")
    Path key;

    @Option(names = "--book", paramLabel = "FILE", description = "Address book (YAML): names for CellIDs, and the allow-list.")
    Path book;

    @Option(names = "--transport", paramLabel = "udp|eth", description = "udp (port 34997, no privileges) or eth (raw Ethernet, AF_PACKET, root). Default udp.")
    String transport = "udp";

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "UDP address to bind (default 0.0.0.0:34997 for serve and tether-recv, an ephemeral port otherwise).")
    String listen;

    @Option(names = "--iface", paramLabel = "IF", description = "Network interface for --transport eth.")
    String iface;

    @Option(names = "--store", paramLabel = "DIR", description = "Content store directory (default ./cellscope-store).")
    Path store = Path.of("cellscope-store");

    @Option(names = "--caps", paramLabel = "LIST", description = "Capabilities to announce: deflate,zstd,dedup,recompress (default deflate,zstd,dedup).")
    String caps;

    @Option(names = "--require", paramLabel = "LIST", description = "Features to require of the peer (same names; default none).")
    String require;

    @Option(names = "--loss", paramLabel = "P", description = "Drop this share of sent frames (fault injection).")
    double loss;

    @Option(names = "--reorder", paramLabel = "P", description = "Delay this share of sent frames past later ones.")
    double reorder;

    @Option(names = "--duplicate", paramLabel = "P", description = "Send this share of frames twice.")
    double duplicate;

    @Option(names = "--corrupt", paramLabel = "P", description = "Flip one byte in this share of sent frames.")
    double corrupt;

    @Option(names = "--seed", paramLabel = "N", description = "Seed of the fault generator (default 1).")
    long seed = 1;

    @Option(names = "--max-connections", paramLabel = "N", description = "SBI: connections peers may open at once (default 256); beyond, the idlest unknown one is evicted.")
    int maxConnections = UtcpConfig.DEFAULT_MAX_CONNECTIONS;

    @Option(names = "--max-connections-per-source", paramLabel = "N", description = "SBI: connections at once from one address (default 32).")
    int maxPerSource = UtcpConfig.DEFAULT_MAX_CONNECTIONS_PER_SOURCE;

    @Option(names = "--max-half-open", paramLabel = "N", description = "SBI: connections opened by a SYN and not open yet (default 64).")
    int maxHalfOpen = UtcpConfig.DEFAULT_MAX_HALF_OPEN;

    @Option(names = "--max-queued-bytes", paramLabel = "BYTES", description = "SBI: replies one connection may have queued before its requests stop being read (default 4194304).")
    long maxQueuedBytes = UtcpConfig.DEFAULT_MAX_QUEUED_BYTES;

    @Option(names = "--max-queued-messages", paramLabel = "N", description = "SBI: the same bound in messages (default 1024).")
    int maxQueuedMessages = UtcpConfig.DEFAULT_MAX_QUEUED_WRITES;

    @Option(names = "--max-pending-offers", paramLabel = "N", description = "SBI: objects offered on one connection whose blocks have not all come (default 16).")
    int maxPendingOffers = SbiPeerLimits.DEFAULT_MAX_PENDING_OFFERS;

    @Option(names = "--silence-timeout", paramLabel = "SECONDS", description = "Give up on a peer that answers nothing for this long: "
            + "SBI while requests wait, tether-send once the receiver had answered (default 60; 0 = never).")
    double silenceTimeout = SbiPeerLimits.DEFAULT_SILENCE_TIMEOUT_NANOS / 1e9;

    /** {@code --silence-timeout} in nanoseconds (0: never); a usage error when negative. */
    long silenceTimeoutNanos() {
        if (!(silenceTimeout >= 0)) throw UserError.usage("--silence-timeout must be 0 or more seconds");
        return (long) (silenceTimeout * 1e9);
    }

    /**
     * The running node these options describe, on a new scheduler; {@code serving} picks UDP's
     * well-known port as the default bind. Events go to {@code events}, one line each.
     */
    Stack<?> openStack(boolean serving, PrintStream events) {
        Transport<?> t = transport(serving);
        NodeIdentity identity = identity();
        AddressBook addressBook = addressBook();
        FaultModel faults = faulty() ? faults() : null;
        try {
            return Stack.open(t, identity, addressBook, faults, seed, events::println);
        } catch (StackException e) {
            // Opening raw Ethernet fails only for the interface ("IF: needs root or CAP_NET_RAW"): say which option.
            if (t instanceof Transport.Eth) throw UserError.failure("--iface " + e.getMessage());
            throw e;
        }
    }

    /** The stack's UTCP-SBI node, with the store and capabilities these options name. */
    <A> MeshNode<A> mesh(Stack<A> stack) {
        return mesh(stack, dev.cellscope.endpoint.sbi.SbiConfig.DEFAULT_BLOCK_SIZE);
    }

    /** As {@link #mesh(Stack)}, cutting our objects into {@code blockSize}-byte blocks (put). */
    <A> MeshNode<A> mesh(Stack<A> stack, int blockSize) {
        if (maxConnections < 1 || maxPerSource < 1 || maxHalfOpen < 1 || maxQueuedBytes < 1 || maxQueuedMessages < 1
                || maxPendingOffers < 1) {
            throw UserError.usage("the --max-… limits must be at least 1");
        }
        if (!(silenceTimeout >= 0)) throw UserError.usage("--silence-timeout must be 0 or more seconds");
        UtcpConfig utcp = UtcpConfig.defaults().withMaxConnections(maxConnections).withMaxConnectionsPerSource(maxPerSource)
                .withMaxHalfOpen(maxHalfOpen).withMaxQueuedBytes(maxQueuedBytes).withMaxQueuedWrites(maxQueuedMessages);
        SbiPeerLimits limits = SbiPeerLimits.defaults().withMaxPendingOffers(maxPendingOffers)
                .withSilenceTimeoutNanos((long) (silenceTimeout * 1e9));
        return stack.mesh(store, capabilities(), required(), utcp, limits, blockSize);
    }

    private Transport<?> transport(boolean serving) {
        return switch (transport) {
            case "udp" -> {
                if (iface != null) throw UserError.usage("--iface is for --transport eth");
                yield Transport.udp(bindAddress(serving));
            }
            case "eth" -> {
                if (iface == null) throw UserError.usage("--transport eth needs --iface IF");
                if (listen != null) throw UserError.usage("--listen is for --transport udp");
                yield Transport.eth(iface);
            }
            default -> throw UserError.usage("--transport must be udp or eth, got '" + transport + "'");
        };
    }

    private NodeIdentity identity() {
        Path file = key != null ? key : Path.of(System.getProperty("user.home"), ".config", "cellscope", "node.key");
        try {
            return NodeIdentity.loadOrCreate(file);
        } catch (IOException e) {
            throw UserError.failure(file + ": cannot read or create the identity: " + e.getMessage());
        }
    }

    private AddressBook addressBook() {
        if (book == null) return null;
        try {
            return AddressBook.load(book);
        } catch (IOException e) {
            throw UserError.failure(book + ": " + e.getMessage());
        }
    }

    private FaultModel faults() {
        for (double p : new double[] {loss, reorder, duplicate, corrupt}) {
            if (p < 0 || p > 1) throw UserError.usage("fault probabilities must be in [0, 1]");
        }
        return new FaultModel(loss, reorder, duplicate, corrupt, 0, 0, 0, 2_000_000, 100_000);
    }

    private boolean faulty() {
        return loss > 0 || reorder > 0 || duplicate > 0 || corrupt > 0;
    }

    private long capabilities() {
        return caps == null ? dev.cellscope.endpoint.sbi.SbiConfig.DEFAULT_CAPABILITIES : bits(caps, "--caps");
    }

    private long required() {
        return require == null ? 0 : bits(require, "--require");
    }

    private static long bits(String list, String option) {
        long bits = 0;
        for (String name : list.split(",")) {
            bits |= switch (name.strip().toLowerCase(Locale.ROOT)) {
                case "" -> 0;
                case "deflate" -> SbiCapability.HAS_DEFLATE.mask();
                case "zstd" -> SbiCapability.HAS_ZSTD.mask();
                case "dedup" -> SbiCapability.HAS_DEDUP.mask();
                case "recompress" -> SbiCapability.HAS_RECOMPRESS.mask();
                default -> throw UserError.usage(option + ": unknown feature '" + name + "' (deflate, zstd, dedup, recompress)");
            };
        }
        return bits;
    }

    private InetSocketAddress bindAddress(boolean serving) {
        String spec = listen != null ? listen : serving ? "0.0.0.0:34997" : "0.0.0.0:0";
        return HostPort.parse(spec, "--listen");
    }
}
