/**
 * End-to-end tests against real servers on loopback addresses only (127.0.0.0/8, which Linux routes to
 * {@code lo} without configuration): NSD serves the private {@code .test} zones (optionally DNSSEC-signed),
 * separate Postfix instances are the receiving MX hosts (Maildir delivery, STARTTLS on or off, self-signed
 * or test-CA certificates), Unbound validates in front of NSD where a test needs a validating resolver,
 * nginx serves MTA-STS policy files over HTTPS (one SNI site per policy domain, certificates from a test
 * CA), and the built relay runs as a child process ({@code java -jar rampart.jar serve}).
 *
 * <p>{@link dev.rampart.server.e2e.DaneWorld} is the DANE world (a signed zone per RFC 7672 case);
 * {@code DaneWorldIT} checks it alone, {@code DaneIT} and {@code DaneTrustAdIT} run the relay against it in
 * its two DNSSEC modes. {@link dev.rampart.server.e2e.StsWorld} is the MTA-STS world (a signed zone per
 * RFC 8461 case with its {@code _mta-sts} record, nginx with the policies, receivers with test-CA,
 * self-signed or no certificates); {@code NginxFixtureIT} and {@code StsWorldIT} check the fixtures alone,
 * {@code MtaStsIT} runs the relay against it (enforce, testing, DANE with MTA-STS, the cache across a
 * restart, {@code policy explain}, shadow mode). {@code TlsRptIT} extends that world
 * ({@link dev.rampart.server.e2e.StsWorld.Extension}) with {@code _smtp._tls} records, a reports domain whose
 * MX is a Postfix mailbox and whose HTTPS endpoint is a second nginx that keeps every POST body
 * ({@link dev.rampart.server.e2e.ReportCollector}), and the submitter's DKIM key, then checks the reports
 * the relay's {@code rampart tlsrpt preview|send} produce (DKIM verified with dkimpy, python3-dkim).
 *
 * <p>The {@code *IT} classes run in {@code mvn verify} (maven-failsafe), as root, after
 * {@code .ci/install-test-deps} has installed the Debian packages (postfix, nsd, ldnsutils, dnsutils,
 * unbound, swaks, libnet-ssleay-perl, openssl, nginx). Missing tools or a non-root user fail with a message
 * naming what to install. Every child process is started and stopped by PID; every wait polls a real
 * condition under a deadline.
 */
package dev.rampart.server.e2e;
