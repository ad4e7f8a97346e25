package dev.odometer.agent.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * A YAML mapping being read as part of the config, which knows its place in the file so every
 * error names the file, the line and the full key ({@code skus.email.sku_id}).
 */
final class YamlSection {
    private final String file;
    private final String path;
    private final Node node;
    private final Map<String, NodeTuple> entries = new LinkedHashMap<>();

    private YamlSection(String file, String path, Node node, Set<String> allowedKeys)
            throws ConfigException {
        this.file = file;
        this.path = path;
        this.node = node;
        if (!(node instanceof MappingNode)) {
            throw error(node, path, "must be a mapping of keys to values");
        }
        for (NodeTuple tuple : ((MappingNode) node).getValue()) {
            Node keyNode = tuple.getKeyNode();
            if (!(keyNode instanceof ScalarNode)) {
                throw error(keyNode, path, "keys must be plain words");
            }
            String key = ((ScalarNode) keyNode).getValue();
            if (allowedKeys != null && !allowedKeys.contains(key)) {
                throw error(keyNode, qualify(key), "unknown key" + suggestion(key, allowedKeys)
                        + " Known keys" + (path.isEmpty() ? "" : " under " + path) + ": "
                        + String.join(", ", allowedKeys) + ".");
            }
            if (entries.put(key, tuple) != null) {
                throw error(keyNode, qualify(key), "appears twice; keep one.");
            }
        }
    }

    static YamlSection root(String file, Node node, Set<String> allowedKeys)
            throws ConfigException {
        return new YamlSection(file, "", node, allowedKeys);
    }

    /** A nested mapping, or null when the key is absent. */
    YamlSection section(String key, Set<String> allowedKeys) throws ConfigException {
        NodeTuple tuple = entries.get(key);
        if (tuple == null) {
            return null;
        }
        return new YamlSection(file, qualify(key), tuple.getValueNode(), allowedKeys);
    }

    /** Every key of this mapping, in file order. */
    List<String> keys() {
        return new ArrayList<>(entries.keySet());
    }

    boolean has(String key) {
        return entries.containsKey(key);
    }

    /** A scalar as text, or null when absent (or an explicit null). */
    String string(String key) throws ConfigException {
        NodeTuple tuple = entries.get(key);
        if (tuple == null) {
            return null;
        }
        Node value = tuple.getValueNode();
        if (!(value instanceof ScalarNode)) {
            throw error(value, qualify(key), "must be a single value, not a list or mapping.");
        }
        if (Tag.NULL.equals(value.getTag())) {
            return null;
        }
        return ((ScalarNode) value).getValue().trim();
    }

    /** A scalar that must be present and non-blank; {@code hint} says what belongs there. */
    String requiredString(String key, String hint) throws ConfigException {
        String value = string(key);
        if (value == null || value.isEmpty()) {
            Node at = entries.containsKey(key) ? entries.get(key).getValueNode() : node;
            throw error(at, qualify(key), "is required: " + hint);
        }
        return value;
    }

    /** A list of scalars, empty when absent. */
    List<String> strings(String key) throws ConfigException {
        NodeTuple tuple = entries.get(key);
        List<String> values = new ArrayList<>();
        if (tuple == null || Tag.NULL.equals(tuple.getValueNode().getTag())) {
            return values;
        }
        Node value = tuple.getValueNode();
        if (!(value instanceof SequenceNode)) {
            throw error(value, qualify(key), "must be a list (one '- item' per line).");
        }
        for (Node item : ((SequenceNode) value).getValue()) {
            if (!(item instanceof ScalarNode)) {
                throw error(item, qualify(key), "items must be single values.");
            }
            values.add(((ScalarNode) item).getValue().trim());
        }
        return values;
    }

    /** An error about the value of {@code key}, located at that value (or this mapping). */
    ConfigException invalid(String key, String problem) {
        NodeTuple tuple = entries.get(key);
        return error(tuple != null ? tuple.getValueNode() : node, qualify(key), problem);
    }

    /** The line of an item of a list under {@code key}, for errors about one item. */
    ConfigException invalidItem(String key, int index, String problem) {
        Node value = entries.get(key).getValueNode();
        Node at = value instanceof SequenceNode ? ((SequenceNode) value).getValue().get(index) : value;
        return error(at, qualify(key), problem);
    }

    String qualify(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private ConfigException error(Node at, String key, String problem) {
        int line = at.getStartMark().getLine() + 1;
        return new ConfigException(file + ":" + line + ": " + (key.isEmpty() ? "" : key + ": ")
                + problem);
    }

    private static String suggestion(String key, Set<String> allowed) {
        String best = null;
        int bestDistance = 3;
        for (String candidate : allowed) {
            int d = distance(key, candidate);
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return best == null ? "." : "; did you mean '" + best + "'?";
    }

    private static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1),
                        previous[j - 1] + cost);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
