package dev.rampart.server.delivery.dsn;

import dev.rampart.queue.RecipientStatus;
import java.util.ArrayList;
import java.util.List;

/**
 * The human-readable first part of a notice (RFC 3464 §2, RFC 6522 §3): in plain words, what happened
 * to which recipient and why, quoting the remote server's reply or the relay's own reason. Lines are
 * wrapped near 76 columns and never exceed 998 octets. Stateless; thread-safe.
 */
final class NoticeText {

    private static final int WIDTH = 76;

    private NoticeText() {}

    static String subject(DsnAction action) {
        return switch (action) {
            case FAILED -> "Undelivered Mail Returned to Sender";
            case DELAYED -> "Delayed Mail (still being retried)";
            case DELIVERED, RELAYED -> "Successful Mail Delivery Report";
        };
    }

    static String render(String reportingMta, DsnRequest request, ReturnedContent returned, boolean global) {
        List<String> paragraphs = new ArrayList<>();
        paragraphs.add("This is the mail system at host " + reportingMta + ".");
        String received = "Your message (queue id " + request.original().id() + ", received "
                + FieldText.date(request.original().arrival()) + ")";
        paragraphs.add(switch (request.action()) {
            case FAILED -> received + " could not be delivered to the recipients listed below."
                    + " This is a permanent error: the mail system has given up on them.";
            case DELAYED -> received + " has not yet been delivered to the recipients listed below."
                    + " This is only a warning; you do not need to send the message again. The mail system"
                    + " will keep trying until " + FieldText.date(request.willRetryUntil()) + ".";
            case DELIVERED -> received + " was delivered to the recipients listed below.";
            case RELAYED -> received + " was passed on to the next mail system for the recipients listed"
                    + " below. That system does not send delivery notifications, so you may get no further"
                    + " report about them.";
        });
        for (RecipientStatus r : request.recipients()) {
            paragraphs.add("<" + r.address() + ">: " + explain(request.action(), r, global));
        }
        paragraphs.add(returnedNote(returned));
        StringBuilder out = new StringBuilder(1024);
        for (String p : paragraphs) {
            wrap(out, FieldText.clean(p, !global));
            out.append(FieldText.CRLF);
        }
        return out.toString();
    }

    private static String explain(DsnAction action, RecipientStatus r, boolean global) {
        String diagnostic = FieldText.clean(FieldText.replyAsOneLine(r.lastDiagnostic()), !global);
        String host = DeliveryStatusPart.remoteHost(r.remoteMta()).orElse("the remote server");
        if (diagnostic.isEmpty()) {
            return switch (action) {
                case FAILED -> "delivery failed.";
                case DELAYED -> "delivery is delayed.";
                case DELIVERED -> "delivered.";
                case RELAYED -> "relayed.";
            };
        }
        if (FieldText.isRemoteReply(diagnostic)) {
            return switch (action) {
                case FAILED -> "the mail server " + host + " rejected it, saying: " + diagnostic;
                case DELAYED -> "the mail server " + host + " asked to try again later, saying: " + diagnostic;
                case DELIVERED, RELAYED -> "accepted by " + host + ", which said: " + diagnostic;
            };
        }
        return diagnostic;
    }

    private static String returnedNote(ReturnedContent returned) {
        if (returned.full()) {
            return "The original message is attached below.";
        }
        if (returned.truncated()) {
            return "The original message was too large to return in full; its header is attached below.";
        }
        return "The header of the original message is attached below.";
    }

    /** Greedy word wrap; a single word longer than a line is left whole unless it exceeds 998 octets. */
    private static void wrap(StringBuilder out, String paragraph) {
        String folded = FieldText.fold("X", paragraph);
        // fold() handles the hard 998 limit; re-flow its pieces at the wider text width.
        String text = folded.substring(3).replace(FieldText.CRLF + " ", " ");
        int lineLength = 0;
        for (String word : text.split(" ")) {
            if (word.isEmpty()) {
                continue;
            }
            if (lineLength > 0 && lineLength + 1 + word.length() > WIDTH) {
                out.append(FieldText.CRLF);
                lineLength = 0;
            } else if (lineLength > 0) {
                out.append(' ');
                lineLength++;
            }
            out.append(word);
            lineLength += word.length();
        }
        out.append(FieldText.CRLF);
    }
}
