package dev.rampart.server.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** SUB-07 / RFC 5321 §4.5.2 on the sending side, with content split at every possible point. */
class DotStufferTest {

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '\'', textBlock = """
            'a\\r\\nb\\r\\n'          | 'a\\r\\nb\\r\\n.\\r\\n'
            '.a\\r\\n'                | '..a\\r\\n.\\r\\n'
            'a\\r\\n.\\r\\n'          | 'a\\r\\n..\\r\\n.\\r\\n'
            'a\\r\\n..b'              | 'a\\r\\n...b\\r\\n.\\r\\n'
            'no final line end'       | 'no final line end\\r\\n.\\r\\n'
            'ends in CR\\r'           | 'ends in CR\\r\\n.\\r\\n'
            'x.y\\r\\n'               | 'x.y\\r\\n.\\r\\n'
            ''                        | '.\\r\\n'
            """)
    void stuffsAndTerminates(String input, String expected) {
        byte[] in = unescape(input).getBytes(StandardCharsets.UTF_8);
        for (int split = 0; split <= in.length; split++) {
            DotStuffer stuffer = new DotStuffer();
            ByteBuf out = Unpooled.buffer();
            stuffer.stuff(in, 0, split, out);
            stuffer.stuff(in, split, in.length - split, out);
            stuffer.finish(out);
            assertThat(out.toString(StandardCharsets.UTF_8)).as("split at %d", split).isEqualTo(unescape(expected));
        }
    }

    private static String unescape(String s) {
        return s.replace("\\r", "\r").replace("\\n", "\n");
    }
}
