package dev.rampart.server.smtp;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The framer with a minimal session that switches to DATA mode after a "DATA" line, as the real one does:
 * the end marker {@code CRLF.CRLF} is found wherever TCP splits it, and what follows is framed as commands.
 */
class SmtpInputFramerTest {

    /** Records frames as text and switches modes like the session. */
    private static final class Recorder extends ChannelInboundHandlerAdapter {
        final SmtpInputFramer framer;
        final List<String> frames = new ArrayList<>();
        final StringBuilder content = new StringBuilder();

        Recorder(SmtpInputFramer framer) {
            this.framer = framer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            switch (msg) {
                case InputFrame.CommandLine l -> {
                    String s = l.tooLong() ? "<too long>" : new String(l.bytes(), StandardCharsets.US_ASCII);
                    frames.add(s);
                    if (s.equals("DATA")) {
                        framer.dataMode();
                    } else if (s.startsWith("BDAT ")) {
                        framer.bdatMode(Long.parseLong(s.substring(5)));
                    }
                }
                case InputFrame.Content c -> {
                    content.append(c.bytes().toString(StandardCharsets.US_ASCII));
                    c.bytes().release();
                }
                case InputFrame.ContentEnd e -> {
                    frames.add("[" + content + "]" + (e.bareCrOrLf() ? " bare" : ""));
                    content.setLength(0);
                }
                default -> throw new AssertionError(msg);
            }
        }
    }

    private static List<String> run(String input, int... splits) {
        SmtpInputFramer framer = new SmtpInputFramer(100);
        Recorder rec = new Recorder(framer);
        EmbeddedChannel ch = new EmbeddedChannel(framer, rec);
        byte[] bytes = input.getBytes(StandardCharsets.US_ASCII);
        int from = 0;
        for (int s : splits) {
            ch.writeInbound(Unpooled.wrappedBuffer(bytes, from, s - from));
            from = s;
        }
        ch.writeInbound(Unpooled.wrappedBuffer(bytes, from, bytes.length - from));
        ch.finishAndReleaseAll();
        return rec.frames;
    }

    @Test
    void sub06_endMarkerIsFoundAtEverySplitPositionAndTheNextCommandIsFramed() {
        String input = "DATA\r\nhello\r\n..dot\r\n.\r\nQUIT\r\n";
        List<String> expected = List.of("DATA", "[hello\r\n.dot\r\n]", "QUIT");
        for (int i = 0; i <= input.length(); i++) {
            assertThat(run(input, i)).as("split at %d", i).isEqualTo(expected);
            for (int j = i; j <= input.length(); j++) {
                assertThat(run(input, i, j)).as("split at %d,%d", i, j).isEqualTo(expected);
            }
        }
    }

    @Test
    void sub06_bareLfNeverEndsACommandLine() {
        assertThat(run("NOOP\nQUIT\r\n")).containsExactly("NOOP\nQUIT");
    }

    @Test
    void sub08_overlongLineIsReportedOnceAndFramingRecovers() {
        String longLine = "X".repeat(250);
        for (int i = 0; i <= longLine.length() + 8; i += 7) {
            assertThat(run(longLine + "\r\nNOOP\r\n", i)).as("split %d", i).containsExactly("<too long>", "NOOP");
        }
        // CR and LF of the long line's end in different reads
        assertThat(run(longLine + "\r\nNOOP\r\n", 251)).containsExactly("<too long>", "NOOP");
    }

    @Test
    void sub19_bdatTakesExactlyNOctetsWhateverTheyContain() {
        assertThat(run("BDAT 8\r\nQUIT\r\n.\r\nNOOP\r\n", 9)).containsExactly("BDAT 8", "[QUIT\r\n.\r]", "\nNOOP");
        assertThat(run("BDAT 6\r\nQUIT\r\nNOOP\r\n", 3, 12)).containsExactly("BDAT 6", "[QUIT\r\n]", "NOOP");
    }

    @Test
    void pausedFramerHoldsInputUntilResumed() {
        SmtpInputFramer framer = new SmtpInputFramer(100);
        List<String> seen = new ArrayList<>();
        EmbeddedChannel ch = new EmbeddedChannel(framer, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                String s = new String(((InputFrame.CommandLine) msg).bytes(), StandardCharsets.US_ASCII);
                seen.add(s);
                if (s.equals("WAIT")) {
                    framer.pause();
                }
            }
        });
        ByteBuf in = Unpooled.copiedBuffer("WAIT\r\nNEXT\r\n", StandardCharsets.US_ASCII);
        ch.writeInbound(in);
        assertThat(seen).containsExactly("WAIT");
        assertThat(framer.bufferedBytes()).isEqualTo(6);
        framer.resume();
        assertThat(seen).containsExactly("WAIT", "NEXT");
        ch.finishAndReleaseAll();
    }
}
