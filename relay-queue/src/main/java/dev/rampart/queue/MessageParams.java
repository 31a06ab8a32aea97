package dev.rampart.queue;

import java.util.Objects;

/**
 * Message-level envelope data fixed at submission (QUE-01).
 *
 * @param sender     reverse-path without angle brackets; empty string for the null reverse-path {@code <>}
 * @param body       BODY= parameter
 * @param smtpUtf8   MAIL ... SMTPUTF8 was given
 * @param envId      DSN ENVID, decoded from xtext; empty when absent
 * @param ret        DSN RET
 * @param tls        REQUIRETLS / TLS-Required: No tag
 * @param client     who submitted it, for Received-style display: "helo [ip]" (never credentials)
 * @param authUser   the authenticated user name, empty when the client did not authenticate
 */
public record MessageParams(String sender, BodyType body, boolean smtpUtf8, String envId, Ret ret, TlsTag tls,
                            String client, String authUser) {
    public MessageParams {
        Objects.requireNonNull(sender);
        Objects.requireNonNull(body);
        Objects.requireNonNull(envId);
        Objects.requireNonNull(ret);
        Objects.requireNonNull(tls);
        Objects.requireNonNull(client);
        Objects.requireNonNull(authUser);
    }

    public boolean nullSender() {
        return sender.isEmpty();
    }
}
