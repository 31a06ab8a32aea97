package dev.rampart.server.config;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** log.format and log.level applied to Logback; the delivery log stays at INFO. */
class LogbackConfiguratorTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    @AfterEach
    void restoreTestLogging() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        new ContextInitializer(context).autoConfig();
    }

    private List<String> lines() {
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }

    @Test
    void textLayoutIsOneLinePerEventWithKeyValuePairs() {
        LogbackConfigurator.apply(new RampartConfig.Log(RampartConfig.LogFormat.TEXT, "info"), out);
        Logger log = LoggerFactory.getLogger("dev.rampart.test");
        log.atInfo().addKeyValue("queue_id", "0123456789ABCDEFGH").log("message queued");
        log.info("plain event");
        log.debug("not shown at info");
        List<String> lines = lines();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  dev\\.rampart\\.test message queued "
                + "queue_id=\"0123456789ABCDEFGH\"");
        assertThat(lines.get(1)).endsWith("plain event");
    }

    @Test
    void validatorChatterIsHiddenUnlessDebugging() {
        LogbackConfigurator.apply(new RampartConfig.Log(RampartConfig.LogFormat.TEXT, "info"), out);
        LoggerFactory.getLogger("org.xbill.DNS.dnssec.DnsSecVerifier").error("bogus signature in someone's zone");
        assertThat(lines()).isEmpty();
        LogbackConfigurator.apply(new RampartConfig.Log(RampartConfig.LogFormat.TEXT, "debug"), out);
        LoggerFactory.getLogger("org.xbill.DNS.dnssec.DnsSecVerifier").error("shown when debugging");
        assertThat(lines()).singleElement().asString().endsWith("shown when debugging");
    }

    @Test
    void jsonLayoutIsOneObjectPerLineWithTheKeyValuePairs() throws Exception {
        LogbackConfigurator.apply(new RampartConfig.Log(RampartConfig.LogFormat.JSON, "info"), out);
        LoggerFactory.getLogger("dev.rampart.test").atWarn().addKeyValue("session", "s42").log("hello {}", "world");
        List<String> lines = lines();
        assertThat(lines).hasSize(1);
        JsonNode event = new ObjectMapper().readTree(lines.get(0));
        assertThat(event.path("level").asText()).isEqualTo("WARN");
        assertThat(event.path("loggerName").asText()).isEqualTo("dev.rampart.test");
        assertThat(event.path("formattedMessage").asText()).isEqualTo("hello world");
        assertThat(lines.get(0)).contains("session").contains("s42");
    }

    @Test
    void rootLevelFiltersButTheDeliveryLogAlwaysLogsInfo() {
        LogbackConfigurator.apply(new RampartConfig.Log(RampartConfig.LogFormat.TEXT, "error"), out);
        LoggerFactory.getLogger("dev.rampart.test").warn("filtered");
        LoggerFactory.getLogger(LogbackConfigurator.DELIVERY_LOGGER).info("delivered to=bob@example.net");
        assertThat(lines()).singleElement().asString().contains("rampart.delivery").endsWith("delivered to=bob@example.net");
    }
}
