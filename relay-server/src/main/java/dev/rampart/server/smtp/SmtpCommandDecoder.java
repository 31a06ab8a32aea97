package dev.rampart.server.smtp;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.util.List;

/**
 * Pipeline stage between framer and session: command lines become {@link SmtpCommand}s; every other frame
 * passes through untouched. Stateless, so one instance serves every channel.
 */
@ChannelHandler.Sharable
public final class SmtpCommandDecoder extends MessageToMessageDecoder<InputFrame.CommandLine> {

    public SmtpCommandDecoder() {
        super(InputFrame.CommandLine.class);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, InputFrame.CommandLine line, List<Object> out) {
        out.add(SmtpCommandParser.parse(line.bytes(), line.tooLong()));
    }
}
