package dev.rampart.server.delivery;

import dev.rampart.policy.decide.AppliedPolicy;
import dev.rampart.policy.decide.PolicyDecider;
import dev.rampart.queue.QueueId;
import dev.rampart.queue.RecipientStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The QUE-16 rule in one place (RFC 8461 §5.1 step 3): before recipients are bounced at expiry, those whose
 * last failure was an MTA-STS {@code enforce} failure (policy {@code mta-sts}, status 4.7.5: a host not in
 * the policy's mx list, STARTTLS missing, or a certificate that failed the PKIX check) get their policy
 * domain's {@code _mta-sts} id checked again. When a new policy was fetched, they get exactly one more
 * attempt, right now and under the new policy, instead of the bounce; when the id is unchanged (or the
 * check fails) the bounce stands. The extra attempt's outcome is final for this round: if it defers
 * again, the caller bounces it. Blocking; thread-safe (no state besides the injected recheck).
 */
final class StsBounceRecheck {
    private static final Logger LOG = LoggerFactory.getLogger(StsBounceRecheck.class);

    /** Delivers some recipients of the message being processed to one next-hop domain, once more. */
    @FunctionalInterface
    interface Redelivery {
        List<RecipientAttempt> deliver(String domain, List<RecipientStatus> recipients) throws InterruptedException;
    }

    private final StsRecheck recheck;

    StsBounceRecheck(StsRecheck recheck) {
        this.recheck = Objects.requireNonNull(recheck);
    }

    /** An attempt deferred because MTA-STS {@code enforce} stood in the way (STS-19, QUE-15: 4.7.5). */
    static boolean enforceFailure(RecipientAttempt attempt) {
        return attempt.verdict().disposition() == Disposition.DEFER
                && AppliedPolicy.MTA_STS.logName().equals(attempt.policy())
                && PolicyDecider.POLICY_STATUS.equals(attempt.verdict().status());
    }

    /**
     * Returns {@code attempts} with the enforce failures of every domain whose policy changed replaced by
     * the outcome of one more attempt; everything else unchanged, in the same order. Call only when these
     * deferrals are about to become bounces.
     */
    List<RecipientAttempt> beforeBounce(QueueId id, List<RecipientAttempt> attempts, Redelivery redelivery)
            throws InterruptedException {
        Map<String, List<RecipientStatus>> byDomain = new LinkedHashMap<>();
        for (RecipientAttempt a : attempts) {
            if (enforceFailure(a)) {
                MessageDelivery.nextHop(a.recipient().address()).ifPresent(d ->
                        byDomain.computeIfAbsent(d, k -> new ArrayList<>()).add(a.recipient()));
            }
        }
        Map<Integer, RecipientAttempt> again = new HashMap<>();
        for (var group : byDomain.entrySet()) {
            String domain = group.getKey();
            if (!replaced(id, domain)) {
                LOG.info("queue_id={} domain={} MTA-STS policy id unchanged; the enforce failure stands (QUE-16)",
                        id, domain);
                continue;
            }
            LOG.info("queue_id={} domain={} MTA-STS policy changed before the final bounce; one more attempt for"
                    + " {} recipient(s) (QUE-16)", id, domain, group.getValue().size());
            for (RecipientAttempt a : redelivery.deliver(domain, group.getValue())) {
                again.put(a.recipient().index(), a);
            }
        }
        if (again.isEmpty()) {
            return attempts;
        }
        return attempts.stream().map(a -> Optional.ofNullable(again.get(a.recipient().index())).orElse(a)).toList();
    }

    /** A failing check is no reason to hold mail past its lifetime: the bounce stands. */
    private boolean replaced(QueueId id, String domain) throws InterruptedException {
        try {
            return recheck.policyReplaced(domain);
        } catch (RuntimeException e) {
            LOG.warn("queue_id={} domain={} MTA-STS recheck failed: {} (QUE-16)", id, domain,
                    SmtpConnection.describe(e));
            return false;
        }
    }
}
