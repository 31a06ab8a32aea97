package dev.rampart.server.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** DATA end detection, dot-unstuffing and bare CR/LF detection (SUB-06, SUB-07), at every chunk boundary. */
class ContentDecoderTest {

    /** input after the DATA line, expected decoded content, bare CR/LF seen, bytes left after the marker. */
    static Stream<Arguments> vectors() {
        return Stream.of(
                Arguments.of("plain", "a\r\nb\r\n.\r\n", "a\r\nb\r\n", false, ""),
                Arguments.of("empty message", ".\r\n", "", false, ""),
                Arguments.of("SUB-07 leading dot removed", "..a\r\n...\r\n.\r\n", ".a\r\n..\r\n", false, ""),
                Arguments.of("dot not at line start kept", "a.\r\nb..c\r\n.\r\n", "a.\r\nb..c\r\n", false, ""),
                Arguments.of("SUB-06 LF.LF does not end", "a\n.\nb\r\n.\r\n", "a\n.\nb\r\n", true, ""),
                Arguments.of("SUB-06 LF.CRLF does not end", "a\n.\r\nb\r\n.\r\n", "a\n.\r\nb\r\n", true, ""),
                Arguments.of("SUB-06 CR.CR does not end", "a\r.\rb\r\n.\r\n", "a\r.\rb\r\n", true, ""),
                Arguments.of("SUB-06 CRLF.LF does not end", "a\r\n.\nb\r\n.\r\n", "a\r\n\nb\r\n", true, ""),
                Arguments.of("SUB-06 CRLF.CR x does not end", "a\r\n.\rb\r\n.\r\n", "a\r\n\rb\r\n", true, ""),
                Arguments.of("bare CR at end of line", "a\r\r\n.\r\n", "a\r\r\n", true, ""),
                Arguments.of("8-bit kept bit for bit", "\u00ff\u0080\u00e9\r\n.\r\n", "\u00ff\u0080\u00e9\r\n", false, ""),
                Arguments.of("pipelined command after the marker stays", "x\r\n.\r\nQUIT\r\n", "x\r\n", false, "QUIT\r\n"),
                Arguments.of("NUL is content", "a\u0000b\r\n.\r\n", "a\u0000b\r\n", false, ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void everySplitGivesTheSameResult(String name, String input, String expected, boolean bare, String rest) {
        byte[] in = input.getBytes(StandardCharsets.ISO_8859_1);
        for (int split = 0; split <= in.length; split++) {
            for (int split2 = split; split2 <= in.length; split2++) {
                ContentDecoder d = new ContentDecoder(true);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                ByteBuf a = Unpooled.wrappedBuffer(in, 0, split);
                ByteBuf b = Unpooled.wrappedBuffer(in, split, split2 - split);
                ByteBuf c = Unpooled.wrappedBuffer(in, split2, in.length - split2);
                boolean ended = feed(d, a, out) || feed(d, b, out) || feed(d, c, out);
                assertThat(ended).as("%s split at %d/%d", name, split, split2).isTrue();
                assertThat(out.toString(StandardCharsets.ISO_8859_1)).as("%s split at %d/%d", name, split, split2)
                        .isEqualTo(expected);
                assertThat(d.bareCrOrLf()).as(name).isEqualTo(bare);
                String left = remaining(a) + remaining(b) + remaining(c);
                assertThat(left).as("%s split at %d/%d", name, split, split2).isEqualTo(rest);
            }
        }
    }

    private static boolean feed(ContentDecoder d, ByteBuf in, ByteArrayOutputStream sink) {
        if (d.ended()) {
            return true;
        }
        ByteBuf out = Unpooled.buffer(in.readableBytes());
        boolean ended = d.decode(in, out);
        byte[] bytes = new byte[out.readableBytes()];
        out.readBytes(bytes);
        sink.writeBytes(bytes);
        return ended;
    }

    private static String remaining(ByteBuf b) {
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @ParameterizedTest(name = "line of {0} octets")
    @org.junit.jupiter.params.provider.ValueSource(ints = {997, 998, 999, 5000})
    void sub08_textLineLimitIs1000WithCrlf(int length) {
        ContentDecoder d = new ContentDecoder(true);
        ByteBuf in = Unpooled.copiedBuffer("x".repeat(length) + "\r\n.\r\n", StandardCharsets.US_ASCII);
        assertThat(d.decode(in, Unpooled.buffer(in.readableBytes()))).isTrue();
        assertThat(d.lineTooLong()).isEqualTo(length > 998);
    }

    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource({"'abc',true", "'abc\r\n',false", "'abc\r',true", "'',false"})
    void bdatModeKeepsDotsAndCompletesTheLastLine(String input, boolean needsCrlf) {
        ContentDecoder d = new ContentDecoder(false);
        ByteBuf in = Unpooled.copiedBuffer(".x\r\n" + input, StandardCharsets.US_ASCII);
        ByteBuf out = Unpooled.buffer(in.readableBytes());
        assertThat(d.decode(in, out)).isFalse();
        // a trailing CR is held back until the next octet shows whether it starts a CRLF
        String held = input.endsWith("\r") ? input.substring(0, input.length() - 1) : input;
        assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo(".x\r\n" + held);
        byte[] tail = d.finish();
        assertThat(tail.length > 0).isEqualTo(needsCrlf);
        assertThat(d.bareCrOrLf()).isEqualTo(input.endsWith("\r"));
    }
}
