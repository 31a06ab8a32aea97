package dev.rampart.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The DANE cases ({@link DaneCases}) with the relay validating DNSSEC itself: {@code dns.dnssec: validate},
 * {@code dns.trust-anchors} = the test TLD's DS, {@code dns.servers} = the authoritative NSD (which sets no
 * AD bit, so nothing but the relay's own validation can make an answer secure).
 *
 * <p>Plus issue acceptance 3: a second relay whose trust anchor matches no key of the world cannot validate
 * anything; {@code /readyz} fails with a reason, {@code /metrics} says so, and mail to a DANE domain is not
 * delivered.
 */
class DaneIT extends DaneCases {

    @Override
    RampartProcess.Builder configure(RampartProcess.Builder relay, DaneWorld world) {
        return relay.dns(world.nsd()).dnssec("validate").trustAnchors(world.trustAnchor());
    }

    @Override
    String mode() {
        return "validate";
    }

    /** The relay's own validator knows the answer is bogus (e.g. "TLSA lookup bogus: RRSIG expired"). */
    @Override
    Pattern bogusReason() {
        return Pattern.compile("(?i)bogus");
    }

    @Test
    void dns05_aTrustAnchorThatMatchesNothingFailsReadinessAndDeliversNothingToADaneDomain() throws Exception {
        Path wrongAnchor = LdnsZoneSigner.unrelatedAnchor(TestZones.TLD, dir.resolve("wrong-anchor-keys"),
                dir.resolve("wrong-anchor.ds"));
        try (RampartProcess broken = RampartProcess.builder(dir.resolve("relay-broken")).retrySchedule("10m")
                .dns(world.nsd()).dnssec("validate").trustAnchors(wrongAnchor).start()) {
            HttpResponse<String> ready = Await.until("/readyz to fail", WAIT, () -> {
                HttpResponse<String> r = broken.adminGet("/readyz");
                return r.statusCode() == 200 ? java.util.Optional.empty() : java.util.Optional.of(r);
            }, broken::diagnostics);
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).as("the reason /readyz gives").containsIgnoringCase("dnssec");

            HttpResponse<String> metrics = broken.adminGet("/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body().lines().filter(l -> !l.startsWith("#")))
                    .as("a rampart_ metric about DNSSEC validation").anyMatch(l -> l.startsWith("rampart_") && l.contains("dnssec"));

            DaneWorld.Case c = DaneWorld.Case.EE;
            String tag = "dane-broken-anchor-ee";
            String queueId = submit(broken, c.recipient(), tag);
            DeliveryLogLine line = broken.awaitDelivery("the attempt for " + c.recipient(),
                    l -> l.queueId().equals(queueId) && l.rcpt().equals(c.recipient()), WAIT);
            assertThat(line.status()).as(line.raw()).isEqualTo("deferred");
            assertThat(line.dsn()).as(line.raw()).startsWith("4.");
            assertThat(world.receiver(c).messagesFor(c.recipient()))
                    .noneMatch(m -> m.header("Subject").orElse("").equals(tag));
            assertThat(world.receiver(c).maillog()).noneMatch(l -> l.contains("message-id=<" + tag + "@e2e.rampart.test>"));
        }
    }
}
