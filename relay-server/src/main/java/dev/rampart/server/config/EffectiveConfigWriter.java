package dev.rampart.server.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Writes a loaded configuration back as YAML, one line per key in {@link ConfigKey#ALL} order, so that
 * {@code rampart config check} shows what the relay would really run with (defaults, file and environment
 * merged). The output loads back to an equal configuration. Unset optional keys appear as comments.
 * Pure and thread-safe.
 */
public final class EffectiveConfigWriter {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9._/-]+");

    private EffectiveConfigWriter() {}

    public static String toYaml(RampartConfig config) {
        StringBuilder out = new StringBuilder();
        List<String> open = new ArrayList<>(); // the section path currently open
        for (ConfigKey<?> key : ConfigKey.ALL) {
            List<String> parts = List.of(key.path().split("\\."));
            List<String> section = parts.subList(0, parts.size() - 1);
            int common = 0;
            while (common < open.size() && common < section.size() && open.get(common).equals(section.get(common))) {
                common++;
            }
            if (common == 0 && !open.isEmpty()) {
                out.append('\n');
            }
            for (int i = common; i < section.size(); i++) {
                out.append("  ".repeat(i)).append(section.get(i)).append(":\n");
            }
            open = new ArrayList<>(section);
            String indent = "  ".repeat(section.size());
            String name = parts.get(parts.size() - 1);
            Optional<String> value = key.isList()
                    ? key.formatItemsIn(config).map(EffectiveConfigWriter::flowList)
                    : key.formatIn(config).map(EffectiveConfigWriter::scalar);
            if (value.isPresent()) {
                out.append(indent).append(name).append(": ").append(value.get()).append('\n');
            } else {
                out.append(indent).append("# ").append(name).append(": (not set)\n");
            }
        }
        return out.toString();
    }

    private static String flowList(List<String> items) {
        return items.stream().map(EffectiveConfigWriter::scalar).collect(Collectors.joining(", ", "[", "]"));
    }

    private static String scalar(String text) {
        if (PLAIN.matcher(text).matches()) {
            return text;
        }
        return '"' + text.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
