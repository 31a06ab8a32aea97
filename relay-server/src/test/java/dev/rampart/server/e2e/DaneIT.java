package dev.rampart.server.e2e;

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
        assertValidationFailureIsVisibleAndSafe(RampartProcess.builder(dir.resolve("relay-broken"))
                .dns(world.nsd()).dnssec("validate").trustAnchors(wrongAnchor), "dane-broken-anchor-ee");
    }
}
