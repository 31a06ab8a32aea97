package dev.rampart.server.delivery.dsn;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What part of the original a notice returns, and how it is bounded (QUE-11). */
class ReturnedContentTest {

    private static InputStream in(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }

    private static String text(ReturnedContent c) {
        return new String(c.octets(), StandardCharsets.UTF_8);
    }

    @Test
    void headersStopAtTheBlankLineAndLeaveTheBodyUnread() throws Exception {
        InputStream original = in("A: 1\r\nB: 2\r\n continued\r\n\r\nbody\r\n");
        ReturnedContent c = ReturnedContent.headers(original, 4096);
        assertThat(text(c)).isEqualTo("A: 1\r\nB: 2\r\n continued\r\n");
        assertThat(c.full()).isFalse();
        assertThat(new String(original.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("body\r\n");
    }

    @Test
    void aMessageWithoutBodyOrWithoutHeadersIsHandled() throws Exception {
        assertThat(text(ReturnedContent.headers(in("A: 1\r\n"), 4096))).isEqualTo("A: 1\r\n");
        assertThat(text(ReturnedContent.headers(in("\r\nbody only\r\n"), 4096))).isEmpty();
        assertThat(text(ReturnedContent.headers(in(""), 4096))).isEmpty();
        assertThat(text(ReturnedContent.headers(in("A: no line end"), 4096))).isEqualTo("A: no line end\r\n");
    }

    @Test
    void anOverlongHeaderSectionIsCutAfterTheLastCompleteLine() throws Exception {
        String header = "X-Long: " + "y".repeat(60) + "\r\n";
        ReturnedContent c = ReturnedContent.headers(in(header.repeat(100) + "\r\nbody\r\n"), 1000);
        assertThat(c.octets().length).isLessThanOrEqualTo(1000);
        assertThat(text(c)).endsWith("\r\n").startsWith("X-Long: ");
        assertThat(text(c).split("\r\n")).allMatch(l -> l.equals("X-Long: " + "y".repeat(60)));
    }

    @Test
    void wholeMessageWithinTheLimitIsReturnedWhole() throws Exception {
        String msg = "A: 1\r\n\r\nbody\r\n";
        ReturnedContent c = ReturnedContent.whole(in(msg), msg.length());
        assertThat(c.full()).isTrue();
        assertThat(c.truncated()).isFalse();
        assertThat(text(c)).isEqualTo(msg);
    }

    @Test
    void wholeMessageOverTheLimitFallsBackToItsHeaders() throws Exception {
        String msg = "A: 1\r\n\r\n" + "body\r\n".repeat(100);
        ReturnedContent c = ReturnedContent.whole(in(msg), 50);
        assertThat(c.full()).isFalse();
        assertThat(c.truncated()).isTrue();
        assertThat(text(c)).isEqualTo("A: 1\r\n");
    }

    @Test
    void transferEncodingFollowsTheOctets() {
        assertThat(new ReturnedContent("A: b\r\n".getBytes(StandardCharsets.US_ASCII), false, false).transferEncoding())
                .isEqualTo("7bit");
        assertThat(new ReturnedContent("A: ü\r\n".getBytes(StandardCharsets.UTF_8), false, false).transferEncoding())
                .isEqualTo("8bit");
        assertThat(new ReturnedContent(("A: " + "x".repeat(999) + "\r\n").getBytes(StandardCharsets.US_ASCII), true, false)
                .transferEncoding()).isEqualTo("binary");
        assertThat(new ReturnedContent(new byte[] {'a', 0, '\r', '\n'}, true, false).transferEncoding()).isEqualTo("binary");
    }
}
