package dev.rampart.server.smtp.auth;

import dev.rampart.server.smtp.SmtpReply;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * One SASL exchange for SMTP AUTH (RFC 4954) with the PLAIN (RFC 4616) or LOGIN mechanism. Not thread-safe;
 * one per AUTH command. It only decodes: checking the credentials is the caller's job (off the event loop).
 *
 * <p>A client line of {@code *} cancels (501 5.0.0, RFC 4954 §4); bad base64 or a malformed PLAIN message is
 * 501 5.5.2. PLAIN with an authorization identity different from the authentication identity is refused
 * (535 5.7.8): we do not support acting on behalf of someone else.
 */
public final class SaslExchange {

    /** What the session does next. */
    public sealed interface Step {
        /** Send {@code 334 <challenge>} and read one more line. */
        record Challenge(String challenge) implements Step {}

        /** Check these credentials; the caller wipes {@code password} after use. */
        record Credentials(String user, byte[] password) implements Step {
            @Override
            public String toString() {
                return "Credentials[redacted]";
            }
        }

        /** Stop with this reply. */
        record Failed(SmtpReply reply) implements Step {}
    }

    private enum Mechanism { PLAIN, LOGIN }

    private static final String USERNAME_PROMPT = Base64.getEncoder().encodeToString("Username:".getBytes(StandardCharsets.US_ASCII));
    private static final String PASSWORD_PROMPT = Base64.getEncoder().encodeToString("Password:".getBytes(StandardCharsets.US_ASCII));

    private final Mechanism mechanism;
    private String loginUser;

    private SaslExchange(Mechanism mechanism) {
        this.mechanism = mechanism;
    }

    /** The mechanisms we offer, in EHLO order. */
    public static String advertised() {
        return "PLAIN LOGIN";
    }

    /** Empty when the mechanism is not supported (504 5.5.4). */
    public static Optional<SaslExchange> start(String mechanism) {
        return switch (mechanism.toUpperCase(Locale.ROOT)) {
            case "PLAIN" -> Optional.of(new SaslExchange(Mechanism.PLAIN));
            case "LOGIN" -> Optional.of(new SaslExchange(Mechanism.LOGIN));
            default -> Optional.empty();
        };
    }

    /** Handles the optional initial response of the AUTH command ("" = none, "=" = empty). */
    public Step first(String initialResponse) {
        if (initialResponse.isEmpty()) {
            return switch (mechanism) {
                case PLAIN -> new Step.Challenge("");
                case LOGIN -> new Step.Challenge(USERNAME_PROMPT);
            };
        }
        return respond(initialResponse);
    }

    /** Handles a line sent in answer to a 334 challenge. */
    public Step next(byte[] line) {
        return respond(new String(line, StandardCharsets.US_ASCII));
    }

    private Step respond(String text) {
        if (text.equals("*")) {
            return new Step.Failed(SmtpReply.of(501, "5.0.0", "Authentication cancelled"));
        }
        byte[] decoded;
        try {
            decoded = text.equals("=") ? new byte[0] : Base64.getDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            return malformed();
        }
        return switch (mechanism) {
            case PLAIN -> plain(decoded);
            case LOGIN -> login(decoded);
        };
    }

    private Step plain(byte[] message) {
        int first = indexOf(message, 0);
        int second = first < 0 ? -1 : indexOf(message, first + 1);
        if (first < 0 || second < 0 || indexOf(message, second + 1) >= 0) {
            Arrays.fill(message, (byte) 0);
            return malformed();
        }
        String authz = new String(message, 0, first, StandardCharsets.UTF_8);
        String user = new String(message, first + 1, second - first - 1, StandardCharsets.UTF_8);
        byte[] password = Arrays.copyOfRange(message, second + 1, message.length);
        Arrays.fill(message, (byte) 0);
        if (!authz.isEmpty() && !authz.equals(user)) {
            Arrays.fill(password, (byte) 0);
            return new Step.Failed(SmtpReply.of(535, "5.7.8", "Authentication credentials invalid"));
        }
        return new Step.Credentials(user, password);
    }

    private Step login(byte[] decoded) {
        if (loginUser == null) {
            loginUser = new String(decoded, StandardCharsets.UTF_8);
            return new Step.Challenge(PASSWORD_PROMPT);
        }
        return new Step.Credentials(loginUser, decoded);
    }

    private static int indexOf(byte[] a, int from) {
        for (int i = from; i < a.length; i++) {
            if (a[i] == 0) {
                return i;
            }
        }
        return -1;
    }

    private static Step malformed() {
        return new Step.Failed(SmtpReply.of(501, "5.5.2", "Malformed authentication response"));
    }
}
