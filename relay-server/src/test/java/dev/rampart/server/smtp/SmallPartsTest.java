package dev.rampart.server.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.rampart.queue.QueueId;
import io.netty.buffer.Unpooled;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** XText (RFC 3461 §4), the header scanner (QUE-20, SUB-23), the Received field (SUB-11), replies. */
class SmallPartsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({"abc,abc", "a+2Bb,a+b", "a+3D,a=", "+41+42,AB", "a+2bb,a+b"})
    void xtextDecodes(String in, String out) {
        assertThat(XText.decode(in)).contains(out);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"a+", "a+4", "a+GG", "a=b", "'a b'", "a+٣٣"})
    void xtextRejects(String in) {
        assertThat(XText.decode(in)).isEmpty();
    }

    @Test
    void xtextRoundTrips() {
        String s = "user+tag=x@exämple";
        assertThat(XText.decode(XText.encode(s))).isEqualTo(Optional.of(s));
    }

    private static HeaderScanner scan(String... pieces) {
        HeaderScanner h = new HeaderScanner();
        for (String p : pieces) {
            h.scan(Unpooled.copiedBuffer(p, StandardCharsets.UTF_8));
        }
        h.finish();
        return h;
    }

    @Test
    void que20_receivedFieldsAreCountedOnlyInTheHeaderSection() {
        HeaderScanner h = scan("Received: a\r\n\tcontinued\r\nreceived : b\r\nX: y\r\nRec", "eived: c\r\n\r\nReceived: body\r\n");
        assertThat(h.receivedCount()).isEqualTo(3);
        assertThat(h.done()).isTrue();
    }

    @Test
    void sub23_tlsRequiredNoIsFoundFoldedAndInAnyCase() {
        assertThat(scan("Subject: x\r\nTLS-REQUIRED:\r\n No \r\n\r\n").tlsRequiredNo()).isTrue();
        assertThat(scan("TLS-Required: Yes\r\n\r\n").tlsRequiredNo()).isFalse();
        assertThat(scan("Subject: x\r\n\r\nTLS-Required: No\r\n").tlsRequiredNo()).isFalse();
        assertThat(scan("not a header line\r\nTLS-Required: No\r\n\r\n").tlsRequiredNo()).as("body began early").isFalse();
        assertThat(scan("TLS-Required: No").tlsRequiredNo()).as("message without body").isTrue();
    }

    @Test
    void sub11_receivedFieldShapes() throws Exception {
        QueueId id = QueueId.parse("01K0VJM0PB0V00KY86");
        ZonedDateTime t = ZonedDateTime.of(2026, 11, 22, 9, 5, 7, 0, ZoneOffset.UTC);
        ReceivedHeader plain = new ReceivedHeader("client.example", InetAddress.getByName("192.0.2.7"), true, "", "",
                false, false, "mx.example", id, "r@b.example", t);
        assertThat(plain.render()).isEqualTo("Received: from client.example ([192.0.2.7])\r\n"
                + "\tby mx.example (Rampart) with ESMTP id 01K0VJM0PB0V00KY86\r\n"
                + "\tfor <r@b.example>;\r\n\tSun, 22 Nov 2026 09:05:07 +0000\r\n");
        ReceivedHeader secure = new ReceivedHeader("c", InetAddress.getByName("2001:db8::1"), true, "TLSv1.3",
                "TLS_AES_128_GCM_SHA256", true, true, "mx.example", id, "", t);
        assertThat(secure.protocol()).isEqualTo("UTF8SMTPSA");
        assertThat(secure.render()).contains("from c ([IPv6:2001:db8::1])")
                .contains("(using TLSv1.3 with cipher TLS_AES_128_GCM_SHA256)").doesNotContain(" for ");
        assertThat(new ReceivedHeader("c", InetAddress.getByName("192.0.2.7"), false, "", "", false, false, "m", id,
                "", t).protocol()).isEqualTo("SMTP");
        assertThat(new ReceivedHeader("c", InetAddress.getByName("192.0.2.7"), true, "TLSv1.2", "X", false, false,
                "m", id, "", t).protocol()).isEqualTo("ESMTPS");
    }

    @Test
    void repliesEncodeMultilineWithEnhancedCodes() {
        assertThat(new String(SmtpReply.of(250, "2.0.0", "Ok").encode(), StandardCharsets.US_ASCII)).isEqualTo("250 2.0.0 Ok\r\n");
        assertThat(new String(SmtpReply.multiline(250, java.util.List.of("a", "b")).encode(), StandardCharsets.US_ASCII))
                .isEqualTo("250-a\r\n250 b\r\n");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> SmtpReply.of(250, "2.0.0", "injected\r\n250 more"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"::1,::1", "2001:db8:0:0:0:0:2:1,2001:db8::2:1", "2001:db8:0:1:1:1:1:1,2001:db8:0:1:1:1:1:1",
            "2001:0:0:1:0:0:0:1,2001:0:0:1::1", "2001:db8:0:0:1:0:0:1,2001:db8::1:0:0:1", "::,::",
            "fe80:0:0:0:0:0:0:0,fe80::", "2001:DB8:AA::,2001:db8:aa::"})
    void ipv6LiteralsAreRfc5952(String in, String out) throws Exception {
        assertThat(ReceivedHeader.rfc5952(InetAddress.getByName(in).getAddress())).isEqualTo(out);
    }
}
