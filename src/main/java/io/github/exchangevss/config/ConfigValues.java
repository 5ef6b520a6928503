package io.github.exchangevss.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Option values from the two places a user sets them: flags, which win, and the YAML file of
 * {@code --config.file}, whose nested keys use the flags' names ({@code web: {listen-address: ...}}).
 * Every error names the flag or the file and key path.
 */
public final class ConfigValues {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Map<String, Object> flags;
    private final Map<String, JsonNode> file;
    private final String fileName;

    private ConfigValues(Map<String, Object> flags, Map<String, JsonNode> file, String fileName) {
        this.flags = flags;
        this.file = file;
        this.fileName = fileName;
    }

    /**
     * @param flags     values given on the command line, by key (without the leading dashes); absent when not given
     * @param knownKeys every key a file may hold; anything else is an error, so a typo cannot go unnoticed
     */
    public static ConfigValues load(Path configFile, Map<String, Object> flags, Set<String> knownKeys)
            throws ConfigException {
        Map<String, JsonNode> file = new LinkedHashMap<>();
        String fileName = null;
        if (configFile != null) {
            fileName = configFile.toString();
            if (!Files.isReadable(configFile)) {
                throw new ConfigException("--config.file: cannot read " + configFile);
            }
            JsonNode root;
            try {
                root = YAML.readTree(configFile.toFile());
            } catch (IOException e) {
                throw new ConfigException(configFile + ": not valid YAML: " + firstLine(e.getMessage()));
            }
            if (root != null && !root.isMissingNode() && !root.isNull()) {
                if (!root.isObject()) {
                    throw new ConfigException(configFile + ": the top level must be a mapping of keys");
                }
                flatten("", root, file);
            }
            for (String key : file.keySet()) {
                if (!knownKeys.contains(key)) {
                    throw new ConfigException(configFile + ": unknown key '" + key + "'; known keys: "
                            + String.join(", ", new TreeSet<>(knownKeys)));
                }
            }
        }
        return new ConfigValues(flags, file, fileName);
    }

    private static void flatten(String prefix, JsonNode node, Map<String, JsonNode> out) {
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            if (e.getValue().isObject()) {
                flatten(key, e.getValue(), out);
            } else {
                out.put(key, e.getValue());
            }
        }
    }

    /** How to name a key in an error: the flag when the value came from it, else the file and key path. */
    public String where(String key) {
        return origin(key) + key;
    }

    /** The prefix for a message that already names the key: {@code --} for a flag, {@code FILE: } for the file. */
    public String origin(String key) {
        return flags.containsKey(key) || !file.containsKey(key) ? "--" : fileName + ": ";
    }

    public boolean isSet(String key) {
        return flags.containsKey(key) || file.containsKey(key);
    }

    public String string(String key, String defaultValue) throws ConfigException {
        if (flags.containsKey(key)) {
            return String.valueOf(flags.get(key));
        }
        JsonNode n = file.get(key);
        if (n == null || n.isNull()) {
            return defaultValue;
        }
        if (!n.isValueNode()) {
            throw new ConfigException(where(key) + ": expected a single value, got " + n.getNodeType().name().toLowerCase());
        }
        return n.asText();
    }

    public List<String> strings(String key) throws ConfigException {
        if (flags.containsKey(key)) {
            Object v = flags.get(key);
            List<String> out = new ArrayList<>();
            if (v instanceof List<?> list) {
                list.forEach(x -> out.add(String.valueOf(x)));
            } else {
                out.add(String.valueOf(v));
            }
            return out;
        }
        JsonNode n = file.get(key);
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (n.isValueNode()) {
            return List.of(n.asText());
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : n) {
            if (!item.isValueNode()) {
                throw new ConfigException(where(key) + ": every item must be a single value");
            }
            out.add(item.asText());
        }
        return out;
    }

    public boolean bool(String key, boolean defaultValue) throws ConfigException {
        String v = string(key, null);
        if (v == null) {
            return defaultValue;
        }
        return switch (v.trim().toLowerCase()) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off" -> false;
            default -> throw new ConfigException(where(key) + ": '" + v + "' is not true or false");
        };
    }

    public Duration duration(String key, String defaultValue) throws ConfigException {
        return Durations.parsePositive(where(key), string(key, defaultValue));
    }

    public Path path(String key, String defaultValue) throws ConfigException {
        String v = string(key, defaultValue);
        if (v == null) {
            return null;
        }
        try {
            return Path.of(v);
        } catch (RuntimeException e) {
            throw new ConfigException(where(key) + ": '" + v + "' is not a valid path");
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
