package dev.rampart.policy.sts.fetch;

/**
 * Where {@link StsPolicyCache} gets fresh policies from: {@link StsPolicyFetcher} in the relay. Calls block
 * for at most the implementation's timeout and never throw for network or content problems; they return
 * {@link StsFetchResult.Failed}. Implementations must be thread-safe.
 */
@FunctionalInterface
public interface StsPolicySource {

    /** Fetches the policy of {@code policyDomain} (a normalised domain name, STS-01). */
    StsFetchResult fetch(String policyDomain);
}
