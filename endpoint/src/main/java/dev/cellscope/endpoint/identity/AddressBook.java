package dev.cellscope.endpoint.identity;

import dev.cellscope.crypto.Identities;
import dev.cellscope.wire.Bytes;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.representer.Representer;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * Names ↔ CellIDs / Tether IDs, with an allow-list flag, read from a small YAML file:
 * <pre>
 * peers:
 *   alice:
 *     cell-id: 5f1c0a7e9b2d4c6f8a1b3c5d7e9f0a2b
 *     tether-id: ac:1d:12:34:56:78
 *     allow: true          # optional, default true
 *   bob:
 *     tether-id: ac:1d:9a:bc:de:f0
 *     allow: false
 * </pre>
 * The file is composed into SnakeYAML's node tree only (never constructed into objects, so no
 * type tags are honoured) with a {@link SafeConstructor} and bounded {@link LoaderOptions};
 * walking the nodes keeps every value's line, so each error names {@code file:line} and what
 * was wrong. Unknown keys are errors (a misspelt {@code alow: false} must not silently allow).
 */
public final class AddressBook {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final Map<String, AddressEntry> byName;
    private final Map<Bytes, AddressEntry> byCellId = new HashMap<>();
    private final Map<Long, AddressEntry> byTetherId = new HashMap<>();

    private AddressBook(Map<String, AddressEntry> entries) {
        this.byName = entries;
        for (AddressEntry e : entries.values()) {
            e.cellId().ifPresent(c -> byCellId.put(c, e));
            e.tetherId().ifPresent(t -> byTetherId.put(t, e));
        }
    }

    public static AddressBook load(Path file) throws IOException {
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return parse(r, file.toString());
        }
    }

    public static AddressBook parse(String yaml, String source) throws AddressBookException {
        return parse(new StringReader(yaml), source);
    }

    public static AddressBook parse(Reader reader, String source) throws AddressBookException {
        Node root;
        try {
            root = yaml().compose(reader);
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() != null ? e.getProblemMark().getLine() + 1 : 0;
            throw new AddressBookException(source, line, "not valid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            throw new AddressBookException(source, 0, "not valid YAML: " + e.getMessage());
        }
        return new Parser(source).book(root);
    }

    public List<AddressEntry> entries() {
        return List.copyOf(byName.values());
    }

    public Optional<AddressEntry> byName(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    public Optional<AddressEntry> byCellId(byte[] cellId) {
        return Optional.ofNullable(byCellId.get(Bytes.of(cellId)));
    }

    public Optional<AddressEntry> byTetherId(long tetherId) {
        return Optional.ofNullable(byTetherId.get(tetherId));
    }

    /** True when the CellID is listed and allowed (unknown peers are not). */
    public boolean isAllowed(byte[] cellId) {
        return byCellId(cellId).map(AddressEntry::allowed).orElse(false);
    }

    public boolean isAllowedTether(long tetherId) {
        return byTetherId(tetherId).map(AddressEntry::allowed).orElse(false);
    }

    private static Yaml yaml() {
        LoaderOptions opts = new LoaderOptions();
        opts.setAllowDuplicateKeys(false);
        opts.setMaxAliasesForCollections(10);
        opts.setAllowRecursiveKeys(false);
        opts.setCodePointLimit(1 << 20); // an address book is small; a huge file is a mistake
        return new Yaml(new SafeConstructor(opts), new Representer(new DumperOptions()), new DumperOptions(), opts);
    }

    /** Walks the node tree; every failure names the node's line. */
    private record Parser(String source) {

        AddressBook book(Node root) throws AddressBookException {
            if (root == null) return new AddressBook(new LinkedHashMap<>()); // empty file: empty book
            Map<String, NodeTuple> top = mapping(root, "the file");
            for (String key : top.keySet()) {
                if (!key.equals("peers")) throw error(top.get(key).getKeyNode(), "unknown key '" + key + "' (expected 'peers')");
            }
            Map<String, AddressEntry> entries = new LinkedHashMap<>();
            if (!top.containsKey("peers")) return new AddressBook(entries);
            Node peers = top.get("peers").getValueNode();
            Map<Bytes, String> cellOwners = new HashMap<>();
            Map<Long, String> tetherOwners = new HashMap<>();
            for (Map.Entry<String, NodeTuple> e : mapping(peers, "'peers'").entrySet()) {
                AddressEntry entry = entry(e.getKey(), e.getValue().getKeyNode(), e.getValue().getValueNode());
                if (entry.cellId().isPresent()) {
                    String other = cellOwners.putIfAbsent(entry.cellId().get(), entry.name());
                    if (other != null) throw error(e.getValue().getKeyNode(), "cell-id of '" + entry.name() + "' is already '" + other + "'s");
                }
                if (entry.tetherId().isPresent()) {
                    String other = tetherOwners.putIfAbsent(entry.tetherId().getAsLong(), entry.name());
                    if (other != null) throw error(e.getValue().getKeyNode(), "tether-id of '" + entry.name() + "' is already '" + other + "'s");
                }
                entries.put(entry.name(), entry);
            }
            return new AddressBook(entries);
        }

        AddressEntry entry(String name, Node keyNode, Node node) throws AddressBookException {
            if (!NAME.matcher(name).matches()) {
                throw error(keyNode, "peer name '" + name + "' must be letters, digits, '.', '_' or '-' (at most 64)");
            }
            Optional<Bytes> cellId = Optional.empty();
            OptionalLong tetherId = OptionalLong.empty();
            boolean allow = true;
            for (Map.Entry<String, NodeTuple> t : mapping(node, "peer '" + name + "'").entrySet()) {
                Map.Entry<String, Node> f = Map.entry(t.getKey(), t.getValue().getValueNode());
                String text = scalar(f.getValue(), f.getKey());
                try {
                    switch (f.getKey()) {
                        case "cell-id" -> cellId = Optional.of(Bytes.of(Identities.parseCellId(text)));
                        case "tether-id" -> tetherId = OptionalLong.of(Identities.parseTetherId(text));
                        case "allow" -> allow = bool(f.getValue(), text);
                        default -> throw error(t.getValue().getKeyNode(), "unknown key '" + f.getKey() + "' in peer '" + name
                                + "' (expected cell-id, tether-id, allow)");
                    }
                } catch (IllegalArgumentException e) {
                    throw error(f.getValue(), f.getKey() + " of '" + name + "': " + e.getMessage());
                }
            }
            if (cellId.isEmpty() && tetherId.isEmpty()) throw error(keyNode, "peer '" + name + "' needs a cell-id or a tether-id");
            return new AddressEntry(name, cellId, tetherId, allow, line(keyNode));
        }

        /** Key text → (key node, value node), in file order. */
        Map<String, NodeTuple> mapping(Node node, String what) throws AddressBookException {
            if (!(node instanceof MappingNode m)) throw error(node, what + " must be a mapping (key: value lines)");
            Map<String, NodeTuple> out = new LinkedHashMap<>();
            for (NodeTuple t : m.getValue()) {
                String key = scalar(t.getKeyNode(), "a key");
                if (out.putIfAbsent(key, t) != null) throw error(t.getKeyNode(), "duplicate key '" + key + "'");
            }
            return out;
        }

        String scalar(Node node, String what) throws AddressBookException {
            if (!(node instanceof ScalarNode s)) throw error(node, what + " must be a single value");
            return s.getValue();
        }

        boolean bool(Node node, String text) throws AddressBookException {
            return switch (text) {
                case "true" -> true;
                case "false" -> false;
                default -> throw error(node, "allow must be true or false, not '" + text + "'");
            };
        }

        AddressBookException error(Node node, String problem) {
            return new AddressBookException(source, line(node), problem);
        }

        static int line(Node node) {
            return node.getStartMark() != null ? node.getStartMark().getLine() + 1 : 0;
        }
    }
}
