/**
 * Outbound delivery (design.md steps 3-6).
 *
 * <p>How the pieces fit:
 * <ul>
 *   <li>{@link dev.rampart.server.delivery.DeliveryScheduler} claims due messages and runs one
 *       {@code MessageDelivery} per message on a virtual thread: recipients grouped by next-hop domain,
 *       expiry, notices, the durable update, then complete or defer.</li>
 *   <li>{@code DomainDelivery} delivers one message's recipients for one domain: admission by the
 *       {@code DestinationTracker} (per-destination limit, dead destinations, QUE-04), MX resolution,
 *       hosts and addresses in order (QUE-09), sessions from the {@code SessionPool} or the
 *       {@link dev.rampart.server.delivery.SessionConnector}.</li>
 *   <li>{@link dev.rampart.server.delivery.DeliveryClient} is the Netty connector;
 *       {@code NettySmtpSession} speaks the protocol over an {@code SmtpConnection}. Blocking calls run on
 *       virtual threads; replies come off the event loop through a queue, so no event loop ever blocks.</li>
 *   <li>{@link dev.rampart.server.delivery.DestinationPlanner} looks up the MX hosts, the MTA-STS policy
 *       of the next-hop domain ({@link dev.rampart.server.delivery.MtaStsLookup}, at the same time as the
 *       MX lookup, POL-01) and each host's TLSA records, and lets {@code policy.decide} decide.</li>
 *   <li>{@link dev.rampart.server.delivery.TlsPlan} says what TLS a session needs; under
 *       {@code Required} no command after EHLO is ever sent in clear (QUE-17). PKIX plans (MTA-STS
 *       {@code enforce}) validate against the JDK roots plus {@code tls.trust-store}.</li>
 *   <li>{@code StsBounceRecheck} holds QUE-16: before an MTA-STS {@code enforce} failure becomes a bounce,
 *       the policy id is checked again ({@link dev.rampart.server.delivery.StsRecheck}) and a new policy
 *       earns one more attempt.</li>
 *   <li>{@link dev.rampart.server.delivery.DeliveryClassifier} is the one place outcomes become
 *       dispositions; {@link dev.rampart.server.delivery.DeliveryLog} writes the per-recipient line.</li>
 * </ul>
 */
package dev.rampart.server.delivery;
