package dev.cellscope.replay;

import dev.cellscope.nativetap.packet.MacAddress;
import dev.cellscope.wire.Bytes;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a replay rewrites: old value to new, per kind, read from a map file of lines
 * {@code KIND OLD NEW} ({@code #} starts a comment):
 *
 * <pre>
 * mac    02:00:00:00:0a:11                 02:00:00:00:aa:11
 * cellid a74aaa1fe85b0f9170c12ec1e28325b7  00112233445566778899aabbccddeeff
 * tether ac:1d:b3:0d:30:2f                 ac:1d:00:00:00:01
 * ip     10.0.0.1                          192.168.7.1
 * ip     fd00::1                           fd00:7::1
 * port   5353                              15353
 * </pre>
 *
 * Each kind is one-to-one: an old value appears once, and no two map to the same new value, so the
 * rewritten capture keeps its conversations apart exactly as the original did.
 */
public record AddressMap(Map<Long, Long> macs, Map<Bytes, Bytes> cellIds, Map<Long, Long> tetherIds,
                         Map<Integer, Integer> ipv4, Map<Bytes, Bytes> ipv6, Map<Integer, Integer> udpPorts) {

    /** The largest map file read. */
    public static final int MAX_BYTES = 1 << 20;

    public AddressMap {
        macs = Map.copyOf(macs);
        cellIds = Map.copyOf(cellIds);
        tetherIds = Map.copyOf(tetherIds);
        ipv4 = Map.copyOf(ipv4);
        ipv6 = Map.copyOf(ipv6);
        udpPorts = Map.copyOf(udpPorts);
    }

    public boolean isEmpty() {
        return macs.isEmpty() && cellIds.isEmpty() && tetherIds.isEmpty() && ipv4.isEmpty() && ipv6.isEmpty() && udpPorts.isEmpty();
    }

    /** A malformed map file: the message names the file and line. */
    public static final class MapException extends Exception {
        public MapException(String message) {
            super(message);
        }
    }

    public static AddressMap read(Path file) throws MapException {
        byte[] bytes;
        // bounded: a map is a few lines; /dev/zero or a capture given by mistake must not fill the heap
        try (var in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (IOException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : e instanceof java.nio.file.AccessDeniedException ? "permission denied"
                    : Files.isDirectory(file) ? "is a directory" : String.valueOf(e.getMessage());
            throw new MapException(file + ": cannot be read (" + why + ")");
        }
        if (bytes.length > MAX_BYTES) throw new MapException(file + ": larger than " + (MAX_BYTES >> 20) + " MiB: not an address map");
        return parse(file.toString(), new String(bytes, StandardCharsets.UTF_8).lines().toList());
    }

    public static AddressMap parse(String name, List<String> lines) throws MapException {
        Map<Long, Long> macs = new HashMap<>(), tether = new HashMap<>();
        Map<Bytes, Bytes> cellIds = new HashMap<>(), ip6s = new HashMap<>();
        Map<Integer, Integer> ips = new HashMap<>(), ports = new HashMap<>();
        Map<String, Set<Object>> targets = new HashMap<>();
        for (int n = 1; n <= lines.size(); n++) {
            String line = lines.get(n - 1).replaceFirst("#.*", "").strip();
            if (line.isEmpty()) continue;
            String[] w = line.split("\\s+");
            String where = name + ":" + n + ": ";
            if (w.length != 3) throw new MapException(where + "expected KIND OLD NEW, got '" + line + "'");
            try {
                switch (w[0]) {
                    case "mac" -> put(macs, MacAddress.parse(w[1]), MacAddress.parse(w[2]), targets, w, where);
                    case "tether" -> put(tether, MacAddress.parse(w[1]), MacAddress.parse(w[2]), targets, w, where);
                    case "cellid" -> put(cellIds, cellId(w[1]), cellId(w[2]), targets, w, where);
                    case "ip" -> {
                        if (w[1].contains(":") != w[2].contains(":")) {
                            throw new MapException(where + "ip " + w[1] + " " + w[2] + ": an IPv4 and an IPv6 address (a frame's header has room for one family)");
                        }
                        if (w[1].contains(":")) put(ip6s, ipv6(w[1]), ipv6(w[2]), targets, w, where);
                        else put(ips, ipv4(w[1]), ipv4(w[2]), targets, w, where);
                    }
                    case "port" -> put(ports, port(w[1]), port(w[2]), targets, w, where);
                    default -> throw new MapException(where + "unknown kind '" + w[0] + "' (mac, cellid, tether, ip, port)");
                }
            } catch (IllegalArgumentException e) {
                throw new MapException(where + e.getMessage());
            }
        }
        return new AddressMap(macs, cellIds, tether, ips, ip6s, ports);
    }

    private static <K> void put(Map<K, K> map, K old, K now, Map<String, Set<Object>> targets, String[] w, String where) throws MapException {
        if (map.containsKey(old)) throw new MapException(where + w[0] + " " + w[1] + " is mapped twice");
        if (!targets.computeIfAbsent(w[0], k -> new HashSet<>()).add(now)) {
            throw new MapException(where + "two " + w[0] + " values map to " + w[2] + " (the map must be one-to-one)");
        }
        map.put(old, now);
    }

    /** 32 hex digits, optionally grouped by ':' or '-' as ENDPOINT-CLI.md allows a CELLID to be written. */
    static Bytes cellId(String text) {
        String hex = text.replaceAll("[:-]", "");
        if (!hex.matches("[0-9a-fA-F]{32}")) throw new IllegalArgumentException("not a CellID (32 hex digits, ':' or '-' between them allowed): '" + text + "'");
        return Bytes.fromHex(hex.toLowerCase(java.util.Locale.ROOT));
    }

    static int ipv4(String text) {
        String[] p = text.split("\\.", -1);
        if (p.length != 4) throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
        int v = 0;
        for (String s : p) {
            if (!s.matches("[0-9]{1,3}") || Integer.parseInt(s) > 255) throw new IllegalArgumentException("not an IPv4 address: '" + text + "'");
            v = v << 8 | Integer.parseInt(s);
        }
        return v;
    }

    /** An IPv6 address in any RFC 4291 text form (no zone, no host names: only hex digits, ':' and a trailing dotted quad). */
    static Bytes ipv6(String text) {
        if (!text.matches("[0-9a-fA-F:.]+") || !text.contains(":")) throw new IllegalArgumentException("not an IPv6 address: '" + text + "'");
        try {
            // a literal of only these characters is parsed, never looked up
            byte[] b = java.net.InetAddress.getByName(text).getAddress();
            // the JDK turns an IPv4-mapped address (::ffff:10.0.0.3) into its IPv4 one; on the wire it is still ::ffff:a.b.c.d
            if (b.length == 4) b = java.nio.ByteBuffer.allocate(16).putShort(10, (short) 0xffff).put(12, b).array();
            return Bytes.of(b);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("not an IPv6 address: '" + text + "'");
        }
    }

    static int port(String text) {
        if (!text.matches("[0-9]{1,5}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > 65535) {
            throw new IllegalArgumentException("not a UDP port (1-65535): '" + text + "'");
        }
        return Integer.parseInt(text);
    }
}
