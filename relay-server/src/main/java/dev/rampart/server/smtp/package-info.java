/**
 * The inbound SMTP listener (conformance.md §1, SUB-01..SUB-24).
 *
 * <p>Per connection, built in {@link dev.rampart.server.smtp.SmtpChannelInitializer}: idle timeout →
 * {@link dev.rampart.server.smtp.SmtpInputFramer} (command lines with length limits, or DATA/BDAT content)
 * → {@link dev.rampart.server.smtp.SmtpCommandDecoder} (sealed {@link dev.rampart.server.smtp.SmtpCommand})
 * → {@link dev.rampart.server.smtp.SmtpSession} (the state machine). STARTTLS later puts an SslHandler in
 * front. Content streams through {@link dev.rampart.server.smtp.MessageReceiver} into the queue on a
 * per-session serial executor; the 250 after the data is sent only once the queue's commit completed.
 *
 * <p>Choices the RFCs leave open, made here: a text line over 1000 octets (RFC 5321 §4.5.3.1.6) or a bare
 * CR/LF anywhere in the content rejects the message after its end (500 5.5.2 / 550 5.5.2), for BDAT as
 * well as DATA, since the message is relayed with DATA; the session continues. MAIL needs EHLO/HELO first.
 * DATA with no RCPT at all is 503, after only refused RCPTs 554 (RFC 2920 §3.1). The relay has no local
 * mailboxes: a domain-less {@code <postmaster>} is a syntax error and every RCPT needs relay rights.
 */
package dev.rampart.server.smtp;
