package dev.rampart.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The receiving-MX fixture alone: swaks delivers into the Maildir, with and without STARTTLS. */
class PostfixFixtureIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void swaksDeliversWithStarttlsAndWithoutAndTheReceivedHeaderSaysWhich() throws Exception {
        Path swaks = HostTools.require("swaks", "swaks");
        try (PostfixReceiver tls = PostfixReceiver.builder("mx1.dest.test").domains("dest.test").starttls(true)
                     .start(dir.resolve("mx1"));
             PostfixReceiver plain = PostfixReceiver.builder("mx1.plain.test").domains("plain.test").starttls(false)
                     .start(dir.resolve("mx2"))) {
            assertThat(tls.address()).isNotEqualTo(plain.address());

            Tools.Result sent = Tools.run(WAIT, swaks.toString(), "--server", tls.address().getHostAddress() + ":25",
                    "--tls", "--from", "alice@sender.test", "--to", "bob@dest.test", "--header", "Subject: over-tls");
            assertThat(sent.exitCode()).as(sent.output()).isZero();
            MaildirMessage viaTls = tls.awaitMessage("bob@dest.test",
                    m -> m.header("Subject").orElse("").equals("over-tls"), WAIT);
            assertThat(viaTls.headers("Received").get(0)).contains("(using TLS").contains("by mx1.dest.test");

            Tools.Result clear = Tools.run(WAIT, swaks.toString(), "--server", plain.address().getHostAddress() + ":25",
                    "--from", "alice@sender.test", "--to", "carol@plain.test", "--header", "Subject: in-clear");
            assertThat(clear.exitCode()).as(clear.output()).isZero();
            MaildirMessage inClear = plain.awaitMessage("carol@plain.test",
                    m -> m.header("Subject").orElse("").equals("in-clear"), WAIT);
            assertThat(inClear.headers("Received").get(0)).doesNotContain("using TLS").contains("by mx1.plain.test");

            // The cleartext receiver does not offer STARTTLS at all, so swaks --tls must fail there.
            Tools.Result refused = Tools.run(WAIT, swaks.toString(), "--server", plain.address().getHostAddress() + ":25",
                    "--tls", "--from", "alice@sender.test", "--to", "carol@plain.test");
            assertThat(refused.exitCode()).as(refused.output()).isNotZero();
            assertThat(plain.messages()).hasSize(1);
            assertThat(tls.maillog()).anyMatch(l -> l.contains("Anonymous TLS connection established")
                    || l.contains("TLS connection established"));

            // The certificate the receiver serves is the one its TLSA helper describes (DANE tests rely on it).
            Path openssl = HostTools.require("openssl", "openssl");
            Tools.Result spki = Tools.run(WAIT, "bash", "-c", openssl + " s_client -starttls smtp -connect "
                    + tls.address().getHostAddress() + ":25 -servername mx1.dest.test </dev/null 2>/dev/null | "
                    + openssl + " x509 -noout -pubkey | " + openssl + " pkey -pubin -outform DER | "
                    + openssl + " dgst -sha256 -hex");
            assertThat(spki.exitCode()).as(spki.output()).isZero();
            String servedDigest = spki.stdout().strip().replaceAll(".*= *", "");
            assertThat(tls.tlsaDaneEe()).isEqualTo("3 1 1 " + servedDigest);
            assertThat(plain.certificate()).isEmpty();
        }
    }

    @Test
    void listedRecipientIsRejectedAtRcptAndOthersAreAccepted() throws Exception {
        try (PostfixReceiver mx = PostfixReceiver.builder("mx1.dest.test").domains("dest.test")
                .reject("gone@dest.test", "mailbox unavailable").start(dir.resolve("mx"))) {
            try (SmtpSubmitter smtp = SmtpSubmitter.connect(new InetSocketAddress(mx.address(), 25), WAIT)) {
                assertThat(smtp.greeting().code()).isEqualTo(220);
                assertThat(smtp.ehlo("client.test").code()).isEqualTo(250);
                SmtpSubmitter.Outcome outcome = smtp.send("alice@sender.test", List.of("gone@dest.test", "bob@dest.test"),
                        "Subject: partly\r\n\r\nhello\r\n");
                assertThat(outcome.rcptReplies().get(0).code()).isEqualTo(550);
                assertThat(outcome.rcptReplies().get(0).text()).contains("5.1.1").contains("mailbox unavailable");
                assertThat(outcome.rcptReplies().get(1).code()).isEqualTo(250);
                assertThat(outcome.accepted()).isTrue();
                smtp.quit();
            }
            List<MaildirMessage> got = mx.awaitMessages(1, WAIT);
            assertThat(got).extracting(MaildirMessage::mailbox).containsExactly("bob@dest.test");
            assertThat(got.get(0).body()).contains("hello");
            assertThat(got.get(0).header("Return-Path")).hasValue("<alice@sender.test>");

            // A notice arrives with the null reverse-path; the Maildir copy shows it as "Return-Path: <>".
            try (SmtpSubmitter smtp = SmtpSubmitter.connect(new InetSocketAddress(mx.address(), 25), WAIT)) {
                smtp.ehlo("client.test");
                assertThat(smtp.send("", List.of("bob@dest.test"), "Subject: notice\r\n\r\nbounce\r\n").accepted()).isTrue();
                smtp.quit();
            }
            MaildirMessage notice = mx.awaitMessage("bob@dest.test", m -> m.header("Subject").orElse("").equals("notice"), WAIT);
            assertThat(notice.header("Return-Path")).hasValue("<>");
        }
    }
}
