package dev.rampart.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code rampart policy explain DOMAIN --json [--probe]} for the MTA-STS world: runs the CLI against a relay
 * and checks the shapes every MTA-STS explanation shares (the domain, a secure MX answer, the case's TXT id,
 * a probe only when asked for), plus assertions on the STS parts (host admitted by a pattern, the cached
 * policy as the world serves it). Stateless.
 */
final class StsExplain {

    private StsExplain() {}

    record Explained(Tools.Result result, JsonNode json) {}

    /** {@code rampart policy explain <domain> --json [--probe]} against the running relay. */
    static Explained explain(RampartProcess relay, StsWorld.Case c, boolean probe) throws Exception {
        Tools.Result r = probe ? relay.cli("policy", "explain", c.domain(), "--json", "--probe")
                : relay.cli("policy", "explain", c.domain(), "--json");
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(r.stdout());
        } catch (java.io.IOException e) {
            throw new AssertionError("policy explain " + c.domain() + " printed no JSON:\n" + r.output(), e);
        }
        assertThat(json.path("domain").asText()).as(r.output()).isEqualTo(c.domain());
        assertThat(json.path("mx").path("status").asText()).as(r.output()).isEqualTo("secure");
        assertThat(json.path("sts").path("txt").path("id").asText()).as(r.output()).isEqualTo(c.id());
        for (JsonNode host : json.path("hosts")) {
            assertThat(host.has("probe")).as("a probe only when asked for: %s", host).isEqualTo(probe);
        }
        return new Explained(r, json);
    }

    /** The one host of the explanation: the case's MX host. */
    static JsonNode onlyHost(JsonNode json, StsWorld.Case c) {
        JsonNode hosts = json.path("hosts");
        assertThat(texts(hosts, "name")).as("%s", json).containsExactly(c.mxHost());
        return hosts.path(0);
    }

    /** The host is under the case's policy mode and admitted by {@code pattern}. */
    static void admitted(JsonNode host, StsWorld.Case c, String pattern) {
        JsonNode sts = host.path("sts");
        assertThat(sts.path("checked").asBoolean()).as("%s", host).isTrue();
        assertThat(sts.path("mode").asText()).as("%s", host).isEqualTo(c.mode());
        assertThat(sts.path("admitted").asBoolean()).as("%s", host).isTrue();
        assertThat(sts.path("matched_pattern").asText()).as("%s", host).isEqualTo(pattern);
    }

    /** The policy as the world serves it for {@code c}, valid, with expiry = fetch time + max_age (STS-13). */
    static void cachedPolicy(StsWorld.Case c, JsonNode policy) {
        assertThat(policy.path("id").asText()).as("%s", policy).isEqualTo(c.id());
        assertThat(policy.path("mode").asText()).as("%s", policy).isEqualTo(c.mode());
        assertThat(texts(policy.path("mx"))).as("%s", policy).containsExactlyElementsOf(c.mxPatterns());
        assertThat(policy.path("max_age").asLong()).as("%s", policy).isEqualTo(StsWorld.MAX_AGE);
        assertThat(policy.path("valid").asBoolean()).as("%s", policy).isTrue();
        java.time.Instant fetched = Instant.parse(policy.path("fetched_at").asText());
        java.time.Instant expires = Instant.parse(policy.path("expires_at").asText());
        assertThat(Duration.between(fetched, expires).toSeconds()).as("%s", policy).isEqualTo(StsWorld.MAX_AGE);
        assertThat(policy.path("age_seconds").asLong()).as("%s", policy).isBetween(0L, 600L);
    }

    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    static List<String> texts(JsonNode array, String field) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.path(field).asText()));
        return out;
    }
}
