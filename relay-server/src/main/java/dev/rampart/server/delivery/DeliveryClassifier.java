package dev.rampart.server.delivery;

import dev.rampart.policy.decide.DomainPlan;
import dev.rampart.policy.dns.MxResolution;
import java.util.Optional;

/**
 * The one place where outcomes become dispositions (design.md step 6, style rule 5). Pure and
 * thread-safe.
 *
 * <p>Rules: only the first digit of a reply decides (QUE-06); a 5xx to MAIL fails that message only and
 * is never remembered for others; 552 to RCPT is temporary (QUE-05, RFC 5321 §4.5.3.1.10); a connection
 * lost inside a transaction counts as 451 (QUE-07); connect failures, 4xx greetings and sessions broken
 * before MAIL move on to the next host (QUE-09); anything unrecognised is temporary. Status codes follow
 * QUE-15: no answer 4.4.1, bad connection 4.4.2, DNS temporary 4.4.3, TLS policy 4.7.5.
 */
public final class DeliveryClassifier {

    /** Classifies a reply received at {@code stage}. A positive reply classifies as DELIVERED (except at DATA). */
    public Verdict reply(Stage stage, SmtpReply reply) {
        String status = statusOf(reply);
        String diagnostic = reply.oneLine();
        if (reply.positive()) {
            // DATA must be answered with 354; a 2xx there is a broken peer, not a delivery.
            return stage == Stage.DATA
                    ? new Verdict(Disposition.DEFER, "4.5.0", "unexpected reply to DATA: " + diagnostic)
                    : new Verdict(Disposition.DELIVERED, status, diagnostic);
        }
        boolean permanent = reply.permanentFailure();
        return switch (stage) {
            // Nothing of this message has been said yet: another host may do better (QUE-09). A 5xx
            // keeps its class, so when every host refuses the recipients bounce.
            case CONNECT, GREETING, EHLO, HELO -> new Verdict(Disposition.TRY_NEXT_HOST, status, diagnostic);
            // A refused STARTTLS or RSET says nothing about the message: another host, never a bounce.
            case STARTTLS, TLS_HANDSHAKE, RSET, QUIT ->
                    new Verdict(Disposition.TRY_NEXT_HOST, asTransient(status), diagnostic);
            case RCPT -> {
                if (reply.code() == 552) {
                    // RFC 5321 §4.5.3.1.10: old servers say 552 for "too many recipients".
                    yield new Verdict(Disposition.DEFER, asTransient(status), diagnostic);
                }
                yield new Verdict(permanent ? Disposition.BOUNCE : Disposition.DEFER, status, diagnostic);
            }
            case MAIL, DATA, DATA_END ->
                    new Verdict(permanent ? Disposition.BOUNCE : Disposition.DEFER, status, diagnostic);
        };
    }

    /** Classifies a session failure. */
    public Verdict failure(SessionFailure failure) {
        return switch (failure) {
            case SessionFailure.ConnectFailed f ->
                    new Verdict(Disposition.TRY_NEXT_HOST, "4.4.1", "connect failed: " + f.reason());
            case SessionFailure.Timeout t -> new Verdict(t.stage().beforeTransaction() ? Disposition.TRY_NEXT_HOST
                    : Disposition.DEFER, "4.4.2", "timeout waiting for the reply to " + t.stage().display());
            case SessionFailure.ConnectionLost l -> l.stage().beforeTransaction()
                    ? new Verdict(Disposition.TRY_NEXT_HOST, "4.4.2",
                            "lost connection during " + l.stage().display() + ": " + l.reason())
                    : new Verdict(Disposition.DEFER, "4.4.2",
                            "451 lost connection while sending " + l.stage().display() + ": " + l.reason());
            case SessionFailure.Rejected r -> reply(r.stage(), r.reply());
            case SessionFailure.TlsHandshakeFailed h ->
                    new Verdict(Disposition.TRY_NEXT_HOST, "4.7.5", "TLS handshake failed: " + h.reason());
            case SessionFailure.TlsRequired r ->
                    new Verdict(Disposition.TRY_NEXT_HOST, "4.7.5", r.reason());
            case SessionFailure.MissingExtension m -> new Verdict(
                    m.tryOtherHosts() ? Disposition.TRY_NEXT_HOST : Disposition.BOUNCE, m.status(),
                    "the message needs " + m.extension() + " and the server does not offer it");
            case SessionFailure.TooLarge t -> new Verdict(Disposition.BOUNCE, "5.3.4",
                    "message size " + t.size() + " exceeds the server's limit of " + t.limit());
            case SessionFailure.LocalError e -> new Verdict(Disposition.DEFER, "4.3.0", "local error: " + e.reason());
        };
    }

    /** The verdict for every recipient of a domain that cannot be resolved; empty when hosts were found. */
    public Optional<Verdict> resolution(MxResolution resolution) {
        return switch (resolution) {
            case MxResolution.Hosts h -> Optional.empty();
            case MxResolution.Permanent p -> Optional.of(new Verdict(Disposition.BOUNCE,
                    validStatus(p.status(), '5', "5.1.2"), p.reason()));
            case MxResolution.Temporary t -> Optional.of(new Verdict(Disposition.DEFER,
                    validStatus(t.status(), '4', "4.4.3"), t.reason()));
        };
    }

    /** The verdict for every recipient of a domain the plan fails (bounce) or defers before any host. */
    public Verdict domainFailed(DomainPlan.Fail fail) {
        return new Verdict(Disposition.BOUNCE, validStatus(fail.status(), '5', "5.1.2"), fail.reason());
    }

    public Verdict domainDeferred(DomainPlan.Defer defer) {
        return new Verdict(Disposition.DEFER, validStatus(defer.status(), '4', "4.4.3"), defer.reason());
    }

    /**
     * Recipients no host took while a TLS policy stopped at least one host: always a deferral (DANE-07,
     * QUE-15), with the status the per-host results give (4.7.5 when only policy stood in the way).
     */
    public Verdict policyDeferred(String status, String reason) {
        return new Verdict(Disposition.DEFER, validStatus(asTransient(status), '4', "4.7.5"), reason);
    }

    /** When every host was tried: the last TRY_NEXT_HOST verdict's status class decides (QUE-09). */
    public Verdict exhausted(Verdict last) {
        return switch (last.disposition()) {
            case TRY_NEXT_HOST -> new Verdict(last.permanentStatus() ? Disposition.BOUNCE : Disposition.DEFER,
                    last.status(), last.diagnostic());
            case DELIVERED, DEFER, BOUNCE -> last;
        };
    }

    /**
     * A recipient still pending when its message is past its maximum age: it fails with the last
     * transient status (QUE-15, RFC 3464 §2.3.3); callers pass 4.4.7 when there was none.
     */
    public Verdict expired(Verdict last) {
        return switch (last.disposition()) {
            case DELIVERED, BOUNCE -> last;
            case DEFER, TRY_NEXT_HOST -> new Verdict(Disposition.BOUNCE, last.status(),
                    last.diagnostic().isEmpty() ? "delivery time expired" : last.diagnostic());
        };
    }

    /** The verdict for recipients of a destination marked dead by an earlier attempt (QUE-04). */
    public Verdict destinationDead(Verdict cause) {
        return new Verdict(Disposition.DEFER, asTransient(cause.status()),
                "destination unreachable, not retried until its backoff passes (last error: " + cause.diagnostic() + ")");
    }

    private static String statusOf(SmtpReply reply) {
        return reply.enhancedStatus().orElse(reply.kind() + ".0.0");
    }

    static String asTransient(String status) {
        return "4" + status.substring(1);
    }

    private static String validStatus(String status, char kind, String fallback) {
        return status != null && status.matches("[245]\\.\\d{1,3}\\.\\d{1,3}") && status.charAt(0) == kind
                ? status : fallback;
    }
}
