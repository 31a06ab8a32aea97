package dev.rampart.server.e2e;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The DANE cases ({@link DaneCases}) with the relay trusting the AD bit of a validating resolver:
 * {@code dns.dnssec: trust-ad}, {@code dns.servers} = a loopback Unbound that validates the test TLD with
 * its DS and reaches NSD through a stub zone. The relay's trust-anchor file is the same TLD DS (for its
 * self-check); the AD bit alone decides what is secure.
 *
 * <p>Plus issue acceptance 3 for this mode: an upstream that does not validate (NSD itself, which never sets
 * AD) must not silently turn DANE off.
 */
class DaneTrustAdIT extends DaneCases {

    @Override
    RampartProcess.Builder configure(RampartProcess.Builder relay, DaneWorld world) throws Exception {
        return relay.dnsServers(world.unbound().hostPort()).dnssec("trust-ad").trustAnchors(world.trustAnchor());
    }

    @Override
    String mode() {
        return "trust-ad";
    }

    /**
     * Unbound answers a bogus RRset with SERVFAIL (and EDE 6, "DNSSEC Bogus"): the relay sees a failed TLSA
     * lookup, which it may report as bogus (from the EDE) or as the failure it is.
     */
    @Override
    Pattern bogusReason() {
        return Pattern.compile("(?i)bogus|servfail|TLSA lookup");
    }

    @Test
    void dns05_anUpstreamThatDoesNotValidateFailsReadinessAndDeliversNothingToADaneDomain() throws Exception {
        assertValidationFailureIsVisibleAndSafe(RampartProcess.builder(dir.resolve("relay-no-ad")).dns(world.nsd())
                .dnssec("trust-ad").trustAnchors(world.trustAnchor()), "dane-no-ad-upstream-ee");
    }
}
