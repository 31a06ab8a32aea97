package dev.rampart.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

import java.lang.reflect.RecordComponent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** config/rampart.reference.yaml documents every key and agrees with the built-in defaults. */
class ReferenceConfigTest {
    static final Path REFERENCE = Path.of("..", "config", "rampart.reference.yaml");
    /** A commented-out example: "  # key: value". Prose comments never start with a bare lower-case key. */
    static final Pattern COMMENTED_KEY = Pattern.compile("(?m)^(\\s*)# ([a-z][a-z-]*): (\\S.*)$");

    private final ConfigLoader loader = new ConfigLoader(Map.of(), Path.of(""), () -> "relay.test.example");

    @Test
    void referenceLoadsAndEqualsTheDefaults() throws Exception {
        assertThat(loader.load(REFERENCE)).isEqualTo(loader.load("", "in empty"));
    }

    @Test
    void referenceDocumentsEveryKey() throws Exception {
        String uncommented = COMMENTED_KEY.matcher(Files.readString(REFERENCE)).replaceAll("$1$2: $3");
        Set<String> documented = new TreeSet<>();
        collectLeaves("", new YAMLMapper().readTree(uncommented), documented);
        Set<String> known = ConfigKey.ALL.stream().map(ConfigKey::path).collect(Collectors.toCollection(TreeSet::new));
        assertThat(documented).isEqualTo(known);
    }

    @Test
    void everyDefaultInTheReferenceIsTheBuiltInDefault() throws Exception {
        JsonNode tree = new YAMLMapper().readTree(Files.readString(REFERENCE));
        for (ConfigKey<?> key : ConfigKey.ALL) {
            JsonNode node = tree.at("/" + key.path().replace('.', '/'));
            if (node.isMissingNode() || node.isNull()) {
                assertThat(key.defaultText()).as(key.path() + " is commented out, so it has no fixed default").isEmpty();
            } else {
                assertThat(key.defaultText()).as(key.path() + " has a default").isPresent();
            }
        }
    }

    @Test
    void everyFieldOfRampartConfigHasAKey() {
        int leaves = 0;
        for (RecordComponent section : RampartConfig.class.getRecordComponents()) {
            leaves += leaves(section.getType());
        }
        assertThat(ConfigKey.ALL).hasSize(leaves);
        assertThat(ConfigKey.ALL).doesNotHaveDuplicates();
    }

    /** A nested record (such as {@code tls.mta-sts}) contributes its own leaves, not one key. */
    private static int leaves(Class<?> section) {
        int n = 0;
        for (RecordComponent c : section.getRecordComponents()) {
            n += c.getType().isRecord() && c.getType().getDeclaringClass() == RampartConfig.class
                    ? leaves(c.getType()) : 1;
        }
        return n;
    }

    private static void collectLeaves(String prefix, JsonNode node, Set<String> out) {
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            if (e.getValue().isObject()) {
                collectLeaves(path, e.getValue(), out);
            } else {
                out.add(path);
            }
        }
    }
}
