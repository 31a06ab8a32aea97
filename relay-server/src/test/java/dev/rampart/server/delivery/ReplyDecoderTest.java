package dev.rampart.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReplyDecoderTest {

    private static EmbeddedChannel channel() {
        return new EmbeddedChannel(new ReplyDecoder(100, 5));
    }

    private static void feed(EmbeddedChannel ch, String text) {
        ch.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    @Test
    void multiLineReplyArrivingInPieces() {
        EmbeddedChannel ch = channel();
        feed(ch, "250-mx.example hello\r\n250-PIPE");
        Object none = ch.readInbound();
        assertThat(none).isNull();
        feed(ch, "LINING\r\n250 SIZE 1000\r\n220 next\r\n");
        assertThat((SmtpReply) ch.readInbound())
                .isEqualTo(new SmtpReply(250, List.of("mx.example hello", "PIPELINING", "SIZE 1000")));
        assertThat((SmtpReply) ch.readInbound()).isEqualTo(SmtpReply.of(220, "next"));
    }

    @Test
    void bareCodeAndBareLfAreTolerated() {
        EmbeddedChannel ch = channel();
        feed(ch, "250\n");
        assertThat((SmtpReply) ch.readInbound()).isEqualTo(SmtpReply.of(250, ""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"hello\r\n", "25\r\n", "250x text\r\n", "199 too small\r\n", "250-a\r\n251 b\r\n"})
    void malformedRepliesAreProtocolErrors(String input) {
        EmbeddedChannel ch = channel();
        assertThatThrownBy(() -> feed(ch, input)).isInstanceOf(DecoderException.class);
    }

    @Test
    void limitsOnLineLengthAndLineCount() {
        assertThatThrownBy(() -> feed(channel(), "250 " + "x".repeat(200))).isInstanceOf(DecoderException.class);
        assertThatThrownBy(() -> feed(channel(), "250-a\r\n".repeat(6) + "250 end\r\n")).isInstanceOf(DecoderException.class);
    }

    @Test
    void enhancedStatusOnlyWhenClassMatches() {
        assertThat(SmtpReply.of(550, "5.1.1 unknown").enhancedStatus()).hasValue("5.1.1");
        assertThat(SmtpReply.of(550, "4.1.1 unknown").enhancedStatus()).isEmpty();
        assertThat(SmtpReply.of(250, "2.0.0").enhancedStatus()).hasValue("2.0.0");
        assertThat(SmtpReply.of(250, "2.0.0.1 odd").enhancedStatus()).isEmpty();
    }
}
