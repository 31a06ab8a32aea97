package dev.rampart.policy.dns;

/**
 * Where the DNSSEC status of an answer comes from (DNS-01).
 *
 * <ul>
 *   <li>{@link #VALIDATE}: validated in process by dnsjava's {@code ValidatingResolver} from the configured
 *       trust anchors; the upstreams only have to pass DNSSEC records through. Works behind any resolver.</li>
 *   <li>{@link #TRUST_AD}: the upstream validates and its AD bit is believed. Only safe when the path to it
 *       cannot be tampered with, so every upstream must be a loopback address (RFC 4035 §4.9.3).</li>
 *   <li>{@link #OFF}: no validation; every answer is INSECURE, so DANE is never possible.</li>
 * </ul>
 */
public enum DnssecMode {
    VALIDATE, TRUST_AD, OFF
}
