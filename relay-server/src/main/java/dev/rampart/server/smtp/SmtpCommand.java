package dev.rampart.server.smtp;

import dev.rampart.queue.BodyType;
import dev.rampart.queue.Notify;
import dev.rampart.queue.Ret;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;

/**
 * A decoded client command (RFC 5321 §4.1). The closed set the session state machine switches over.
 * Syntax is checked by {@link SmtpCommandParser}; everything that depends on session state (TLS, limits,
 * transaction) is left to the session. Immutable.
 */
public sealed interface SmtpCommand {

    record Ehlo(String domain) implements SmtpCommand {}

    record Helo(String domain) implements SmtpCommand {}

    /**
     * MAIL FROM. {@code sender} is empty for the null reverse-path; {@code hasParameters} tells whether any
     * ESMTP parameter was present (not allowed after HELO).
     */
    record Mail(String sender, boolean senderAscii, OptionalLong size, BodyType body, boolean smtpUtf8,
                boolean requireTls, String envId, Ret ret, boolean hasParameters) implements SmtpCommand {
        public Mail {
            Objects.requireNonNull(sender);
            Objects.requireNonNull(size);
            Objects.requireNonNull(body);
            Objects.requireNonNull(envId);
            Objects.requireNonNull(ret);
        }
    }

    /** RCPT TO; {@code orcpt} is "type;decoded-address" or empty, {@code notifyOn} empty when absent. */
    record Rcpt(String recipient, boolean recipientAscii, String orcpt, Set<Notify> notifyOn, boolean hasParameters)
            implements SmtpCommand {
        public Rcpt {
            Objects.requireNonNull(recipient);
            Objects.requireNonNull(orcpt);
            notifyOn = Set.copyOf(notifyOn);
        }
    }

    record Data() implements SmtpCommand {}

    /** BDAT (RFC 3030 §2): exactly {@code size} octets follow the command line. */
    record Bdat(long size, boolean last) implements SmtpCommand {}

    record Rset() implements SmtpCommand {}

    record Noop() implements SmtpCommand {}

    record Quit() implements SmtpCommand {}

    record Vrfy() implements SmtpCommand {}

    record Expn() implements SmtpCommand {}

    record Help() implements SmtpCommand {}

    record StartTls() implements SmtpCommand {}

    /** AUTH mechanism [initial-response]; the response is still base64, empty when absent. */
    record Auth(String mechanism, String initialResponse) implements SmtpCommand {
        public Auth {
            Objects.requireNonNull(mechanism);
            Objects.requireNonNull(initialResponse);
        }

        @Override
        public String toString() {
            return "Auth[" + mechanism + "]"; // never the credentials
        }
    }

    /**
     * A line the parser refused; {@code reply} says why (500/501/555 family). {@code verb} is the upper-cased
     * command word as sent (possibly unknown), so the session can tell a refused RCPT from other noise.
     */
    record Invalid(String verb, SmtpReply reply) implements SmtpCommand {
        public Invalid {
            Objects.requireNonNull(verb);
            Objects.requireNonNull(reply);
        }
    }
}
