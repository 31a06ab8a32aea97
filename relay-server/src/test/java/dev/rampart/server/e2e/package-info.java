/**
 * End-to-end tests against real servers on loopback addresses only (127.0.0.0/8, which Linux routes to
 * {@code lo} without configuration): NSD serves the private {@code .test} zones (optionally DNSSEC-signed),
 * separate Postfix instances are the receiving MX hosts (Maildir delivery, STARTTLS on or off), and the built
 * relay runs as a child process ({@code java -jar rampart.jar serve}).
 *
 * <p>The {@code *IT} classes run in {@code mvn verify} (maven-failsafe), as root, after
 * {@code .ci/install-test-deps} has installed the Debian packages (postfix, nsd, ldnsutils, dnsutils, swaks,
 * libnet-ssleay-perl, openssl, unbound). Missing tools or a non-root user fail with a message naming what to install.
 * Every child process is started and stopped by PID; every wait polls a real condition under a deadline.
 */
package dev.rampart.server.e2e;
