package dev.cellscope.cli.endpoint;

import dev.cellscope.cli.UserError;
import dev.cellscope.endpoint.identity.AddressBook;
import dev.cellscope.endpoint.identity.AddressEntry;
import dev.cellscope.endpoint.identity.NodeIdentity;
import dev.cellscope.endpoint.sim.FaultModel;
import dev.cellscope.protocol.sbi.SbiCapability;
import dev.cellscope.wire.Bytes;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

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

    NodeIdentity identity() {
        Path file = key != null ? key : Path.of(System.getProperty("user.home"), ".config", "cellscope", "node.key");
        try {
            return NodeIdentity.loadOrCreate(file);
        } catch (IOException e) {
            throw UserError.failure(file + ": cannot read or create the identity: " + e.getMessage());
        }
    }

    AddressBook addressBook() {
        if (book == null) return null;
        try {
            return AddressBook.load(book);
        } catch (IOException e) {
            throw UserError.failure(book + ": " + e.getMessage());
        }
    }

    /** The peers allowed to talk to us: the book's allow-list, or everyone without a book. */
    Set<Bytes> allowList(AddressBook book) {
        if (book == null) return null;
        Set<Bytes> allowed = new HashSet<>();
        for (AddressEntry e : book.entries()) if (e.allowed()) e.cellId().ifPresent(allowed::add);
        return allowed;
    }

    FaultModel faults() {
        for (double p : new double[] {loss, reorder, duplicate, corrupt}) {
            if (p < 0 || p > 1) throw UserError.usage("fault probabilities must be in [0, 1]");
        }
        return new FaultModel(loss, reorder, duplicate, corrupt, 0, 0, 0, 2_000_000, 100_000);
    }

    boolean faulty() {
        return loss > 0 || reorder > 0 || duplicate > 0 || corrupt > 0;
    }

    long capabilities() {
        return caps == null ? dev.cellscope.endpoint.sbi.SbiConfig.DEFAULT_CAPABILITIES : bits(caps, "--caps");
    }

    long required() {
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

    InetSocketAddress bindAddress(boolean serving) {
        String spec = listen != null ? listen : serving ? "0.0.0.0:34997" : "0.0.0.0:0";
        return socketAddress(spec, "--listen");
    }

    static InetSocketAddress socketAddress(String spec, String what) {
        int colon = spec.lastIndexOf(':');
        if (colon < 0) throw UserError.usage(what + " takes HOST:PORT, got '" + spec + "'");
        try {
            int port = Integer.parseInt(spec.substring(colon + 1));
            if (port < 0 || port > 65535) throw new NumberFormatException();
            return new InetSocketAddress(spec.substring(0, colon).replace("[", "").replace("]", ""), port);
        } catch (NumberFormatException e) {
            throw UserError.usage(what + ": '" + spec.substring(colon + 1) + "' is not a port");
        }
    }
}
