package dev.cellscope.endpoint.stack;

import dev.cellscope.endpoint.core.Link;
import dev.cellscope.endpoint.core.RealScheduler;
import dev.cellscope.endpoint.identity.NodeIdentity;
import dev.cellscope.endpoint.transport.RawEthernetLink;
import dev.cellscope.endpoint.transport.UdpLink;
import dev.cellscope.nativetap.packet.PacketSocketException;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiConsumer;

/**
 * How a test peer reaches its neighbours. The address type {@code A} is the only thing that differs
 * between UDP ({@code HOST:PORT}) and raw Ethernet ({@code MAC}); everything above the link is
 * generic over it, so what runs on it is written once.
 */
public sealed interface Transport<A> permits Transport.Udp, Transport.Eth {

    /** UDP bound to {@code bind} (port 0: an ephemeral one). */
    static Transport<InetSocketAddress> udp(InetSocketAddress bind) {
        return new Udp(bind);
    }

    /** Raw Ethernet (AF_PACKET) on the interface named {@code iface}. */
    static Transport<Mac> eth(String iface) {
        return new Eth(iface);
    }

    /** Opens the link; a failure is a one-line {@link StackException}. Called once. */
    Link<A> open(RealScheduler scheduler);

    /** The address part of a peer ({@code …@WHERE}). */
    A address(String where);

    /** What we are on, for the start-up line: "udp 0.0.0.0:34997", "eth veth0 02:00:00:00:00:01". */
    String describe();

    /**
     * Our Tether identity on this transport. Over UDP it is the key's ({@code ac:1d:…}). Over raw
     * Ethernet it is the interface's MAC: PROTOCOLS.md has the Ethernet source and destination
     * equal the Tether sender and target, so a peer (and the analyzer) can answer a frame by its
     * Ethernet source. To use the key's identity there, give the interface that MAC.
     */
    long tetherId(NodeIdentity identity);

    /** The largest payload one frame carries (after {@link #open}). */
    int maxPayload();

    /** Sends the link itself dropped, as " (link: …)", or "". */
    String trouble();

    final class Udp implements Transport<InetSocketAddress> {
        private final InetSocketAddress bind;
        private UdpLink link;

        private Udp(InetSocketAddress bind) {
            this.bind = bind;
        }

        @Override
        public Link<InetSocketAddress> open(RealScheduler scheduler) {
            try {
                return link = UdpLink.bind(bind, scheduler);
            } catch (RuntimeException e) {
                throw StackException.failed("cannot bind UDP " + bind + ": " + e.getMessage());
            }
        }

        @Override
        public InetSocketAddress address(String where) {
            InetSocketAddress a = HostPort.parse(where, "peer address");
            // Port 0 means "any" to bind, but nothing can be sent to it: tether-send --to ID@127.0.0.1:0 used to start and wait.
            if (a.getPort() == 0) throw StackException.invalid("peer address " + where + ": port 0 cannot be sent to");
            return a;
        }

        @Override
        public String describe() {
            return "udp " + link.localAddress();
        }

        @Override
        public long tetherId(NodeIdentity identity) {
            return identity.tetherId();
        }

        @Override
        public int maxPayload() {
            return 65_507; // IPv4's UDP limit
        }

        @Override
        public String trouble() {
            String offload = link.offloadTrouble();
            return (link.sendErrors() == 0 ? "" : " (link: " + link.sendErrors() + " sends failed)")
                    + (offload == null ? "" : " (link: " + offload + ")")
                    + (link.intakeDrops() == 0 ? "" : " (link: " + link.intakeDrops() + " received datagrams dropped, the stack fell behind)");
        }
    }

    final class Eth implements Transport<Mac> {
        private final String iface;
        private RawEthernetLink link;

        private Eth(String iface) {
            this.iface = iface;
        }

        @Override
        public Link<Mac> open(RealScheduler scheduler) {
            try {
                link = RawEthernetLink.open(iface, scheduler);
            } catch (PacketSocketException e) {
                // Its messages already say what to do ("needs root or CAP_NET_RAW", "no network interface 'x'").
                throw StackException.failed(iface + ": " + e.getMessage());
            }
            return new MacLink(link);
        }

        @Override
        public Mac address(String where) {
            try {
                return Mac.parse(where);
            } catch (IllegalArgumentException e) {
                throw StackException.invalid("'" + where + "' is not a MAC address (aa:bb:cc:dd:ee:ff)");
            }
        }

        @Override
        public String describe() {
            return "eth " + link.interfaceName() + " " + new Mac(link.localMac());
        }

        @Override
        public long tetherId(NodeIdentity identity) {
            return link.localMac();
        }

        /** The interface's MTU: a larger payload is refused by the kernel and only counted. */
        @Override
        public int maxPayload() {
            try {
                return Integer.parseInt(Files.readString(Path.of("/sys/class/net", iface, "mtu")).strip());
            } catch (IOException | NumberFormatException e) {
                return 1500;
            }
        }

        @Override
        public String trouble() {
            long n = link.sendErrors();
            return n == 0 ? "" : " (link: " + n + " sends dropped" + (link.lastError() != null ? ", last: " + link.lastError() : "") + ")";
        }
    }

    /** The raw link with {@link Mac} addresses instead of bare longs. */
    record MacLink(RawEthernetLink raw) implements Link<Mac> {
        @Override
        public void send(Mac to, byte[] payload) {
            raw.send(to.value(), payload);
        }

        @Override
        public void onReceive(BiConsumer<Mac, byte[]> receiver) {
            raw.onReceive((from, payload) -> receiver.accept(new Mac(from), payload));
        }

        @Override
        public void close() {
            raw.close();
        }
    }
}
