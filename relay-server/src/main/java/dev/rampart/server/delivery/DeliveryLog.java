package dev.rampart.server.delivery;

import dev.rampart.policy.decide.AuditResult;
import dev.rampart.queue.QueueId;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per recipient per attempt on logger {@code rampart.delivery}, in a fixed key order that
 * operators and tests grep:
 * <pre>queue_id=.. rcpt=.. status=sent|deferred|bounced relay=host[ip]:port|host|none
 * tls=none|unauthenticated|pkix|dane-ee|dane-ta policy=none|dane|dane-only|mta-sts [audit=..] [shadow=would-block]
 * delay=12.3s attempts=n dsn=x.y.z
 * reply="..."</pre>
 * A host that a TLS policy stopped (skipped without a connection, or a required-TLS session that failed)
 * gets its own line without {@code rcpt=}, so each MX host's precise reason is kept even when a later
 * host takes the message:
 * <pre>queue_id=.. domain=.. status=deferred relay=.. tls=.. policy=dane dsn=4.7.5 reply="TLSA lookup bogus: .."</pre>
 * After {@code policy=} come, only when they apply, the report-only audit of MTA-STS {@code testing}
 * ({@code audit=passed}, or the TLS-RPT result type such as {@code audit=certificate-not-trusted} with
 * {@code audit_reason="..."}, STS-20) and {@code shadow=would-block} when shadow mode found that enforcement
 * would have stopped the session. Such a session also gets its own WARN line:
 * <pre>shadow: would block queue_id=.. domain=.. host=.. policy=dane reason="no TLSA record matched: .."</pre>
 * The same fields go out as slf4j key/value pairs for the JSON layout. Also counts attempts
 * ({@code rampart_delivery_attempts_total{status,tls}}), would-blocks
 * ({@code rampart_tls_shadow_would_block_total{policy=dane|dane-only|mta-sts|manual}}) and audits
 * ({@code rampart_tls_audit_total{result}}), and times domain attempts
 * ({@code rampart_delivery_duration_seconds}); labels are bounded, never a domain or an address.
 * Thread-safe.
 */
public final class DeliveryLog {
    private static final Logger LOG = LoggerFactory.getLogger("rampart.delivery");

    private final MeterRegistry metrics;
    private final Timer duration;

    public DeliveryLog(MeterRegistry metrics) {
        this.metrics = metrics;
        this.duration = Timer.builder("rampart.delivery.duration")
                .description("Time spent on one delivery attempt to one destination")
                .register(metrics);
    }

    /** Logs and counts one recipient's attempt. */
    public void attempt(QueueId id, RecipientAttempt attempt, Duration delay, int attempts) {
        String status = status(attempt.verdict().disposition());
        String rcpt = attempt.recipient().address();
        String relay = attempt.relay().logValue();
        String tls = attempt.tls().logValue();
        String delayText = String.format(Locale.ROOT, "%.1fs", Math.max(0, delay.toMillis()) / 1000.0);
        String reply = quoted(attempt.verdict().diagnostic());
        String policy = attempt.policy();
        ObservedTls.TlsFindings findings = attempt.tls().findings();
        String line = "queue_id=" + id + " rcpt=" + rcpt + " status=" + status + " relay=" + relay + " tls=" + tls
                + " policy=" + policy + findingsText(findings) + " delay=" + delayText + " attempts=" + attempts
                + " dsn=" + attempt.verdict().status() + " reply=" + reply;
        var event = LOG.atInfo()
                .addKeyValue("queue_id", id.value())
                .addKeyValue("rcpt", rcpt)
                .addKeyValue("status", status)
                .addKeyValue("relay", relay)
                .addKeyValue("tls", tls)
                .addKeyValue("policy", policy);
        if (!findings.audit().logValue().isEmpty()) {
            event = event.addKeyValue("audit", findings.audit().logValue());
            if (!auditReason(findings.audit()).isEmpty()) {
                event = event.addKeyValue("audit_reason", auditReason(findings.audit()));
            }
        }
        if (findings.shadowWouldBlock()) {
            event = event.addKeyValue("shadow", "would-block");
        }
        event
                .addKeyValue("delay", delayText)
                .addKeyValue("attempts", attempts)
                .addKeyValue("dsn", attempt.verdict().status())
                .addKeyValue("reply", attempt.verdict().diagnostic())
                .log(line);
        Counter.builder("rampart.delivery.attempts")
                .description("Delivery attempts per recipient")
                .tag("status", status)
                .tag("tls", tls)
                .register(metrics)
                .increment();
    }

    /** Logs one MX host that a TLS policy stopped: skipped by its plan, or a required-TLS session that failed. */
    public void hostFailed(QueueId id, String domain, RelayInfo relay, ObservedTls tls, String policy, String dsn,
                           String reason) {
        String line = "queue_id=" + id + " domain=" + domain + " status=deferred relay=" + relay.logValue()
                + " tls=" + tls.logValue() + " policy=" + policy + " dsn=" + dsn + " reply=" + quoted(reason);
        LOG.atInfo()
                .addKeyValue("queue_id", id.value())
                .addKeyValue("domain", domain)
                .addKeyValue("status", "deferred")
                .addKeyValue("relay", relay.logValue())
                .addKeyValue("tls", tls.logValue())
                .addKeyValue("policy", policy)
                .addKeyValue("dsn", dsn)
                .addKeyValue("reply", reason)
                .log(line);
    }

    /**
     * Shadow mode (issue acceptance 4): enforcement would have blocked this session to {@code host}, which
     * delivered anyway. One WARN line and one count per session.
     *
     * @param policy the delivery log's {@code policy=} value of the enforced plan
     */
    public void shadowWouldBlock(QueueId id, String domain, String host, String policy, String reason) {
        String line = "shadow: would block queue_id=" + id + " domain=" + domain + " host=" + host + " policy=" + policy
                + " reason=" + quoted(reason);
        LOG.atWarn()
                .addKeyValue("queue_id", id.value())
                .addKeyValue("domain", domain)
                .addKeyValue("host", host)
                .addKeyValue("policy", policy)
                .addKeyValue("shadow", "would-block")
                .addKeyValue("reason", reason)
                .log(line);
        Counter.builder("rampart.tls.shadow.would.block")
                .description("Sessions that TLS policy enforcement would have blocked, delivered under shadow mode")
                .tag("policy", shadowPolicy(policy))
                .register(metrics)
                .increment();
    }

    /**
     * Shadow mode contacted a host that enforcement would only have deferred for a transient DNS failure
     * (row 10): not a policy block, so INFO and not counted.
     */
    public void shadowIgnored(QueueId id, String domain, String host, String policy, String reason) {
        LOG.atInfo()
                .addKeyValue("queue_id", id.value())
                .addKeyValue("domain", domain)
                .addKeyValue("host", host)
                .addKeyValue("policy", policy)
                .addKeyValue("reason", reason)
                .log("shadow: transient DNS failure ignored queue_id=" + id + " domain=" + domain + " host=" + host
                        + " policy=" + policy + " reason=" + quoted(reason));
    }

    /** Counts one report-only audit (STS-20) by its result; nothing when the plan had none. */
    public void audited(AuditResult result) {
        if (result.logValue().isEmpty()) {
            return;
        }
        Counter.builder("rampart.tls.audit")
                .description("Report-only certificate checks of MTA-STS testing policies, by result")
                .tag("result", result.logValue())
                .register(metrics)
                .increment();
    }

    /**
     * The bounded metric label for a would-block: the DANE and MTA-STS policies by name, every manual
     * level of the policy map as {@code manual}.
     */
    static String shadowPolicy(String policyLabel) {
        return switch (policyLabel) {
            case "dane", "dane-only", "mta-sts" -> policyLabel;
            default -> "manual";
        };
    }

    private static String findingsText(ObservedTls.TlsFindings findings) {
        StringBuilder sb = new StringBuilder();
        String audit = findings.audit().logValue();
        if (!audit.isEmpty()) {
            sb.append(" audit=").append(audit);
            String reason = auditReason(findings.audit());
            if (!reason.isEmpty()) {
                sb.append(" audit_reason=").append(quoted(reason));
            }
        }
        if (findings.shadowWouldBlock()) {
            sb.append(" shadow=would-block");
        }
        return sb.toString();
    }

    private static String auditReason(AuditResult result) {
        return switch (result) {
            case AuditResult.NotAudited n -> "";
            case AuditResult.Passed p -> "";
            case AuditResult.Failed f -> f.reason();
            case AuditResult.NoStarttls s -> s.reason();
        };
    }

    /** Records how long one attempt to one destination took. */
    public void timed(Duration elapsed) {
        duration.record(elapsed);
    }

    static String status(Disposition disposition) {
        return switch (disposition) {
            case DELIVERED -> "sent";
            case BOUNCE -> "bounced";
            case DEFER, TRY_NEXT_HOST -> "deferred";
        };
    }

    /** Double-quoted, with backslash, quote and control characters escaped so one line stays one line. */
    static String quoted(String text) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(' ');
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
