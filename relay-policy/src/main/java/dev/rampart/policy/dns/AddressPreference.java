package dev.rampart.policy.dns;

/**
 * Which address family a host's addresses are tried in first (MX-09). A and AAAA are separate
 * questions, so there is no single "resolver order" across families: {@link #RESOLVER_ORDER} keeps each
 * RRset in the order the resolver returned it and alternates the families, IPv6 first, in the spirit of
 * RFC 8305 §4, so a broken family never hides the other one behind a long list.
 */
public enum AddressPreference {
    IPV4_FIRST,
    IPV6_FIRST,
    RESOLVER_ORDER
}
