package dev.rampart.server.smtp;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.ByteToMessageDecoder;

/**
 * Splits the inbound byte stream into {@link InputFrame}s. Event-loop confined (all methods are called on
 * the channel's event loop, by the pipeline or by {@link SmtpSession}).
 *
 * <p>The session switches the mode synchronously while handling a frame, so the bytes right after a DATA or
 * BDAT command are never mistaken for commands, whatever the TCP segmentation. Only CRLF ends a command
 * line; a line longer than the limit is discarded up to its CRLF and reported once.
 *
 * <p>Why not {@code ByteToMessageDecoder}: the session must be able to stop decoding while it waits for the
 * queue (commit, password check) without more input piling up. {@code ByteToMessageDecoder} asks for another
 * read whenever a read produced no frame, which would let a pipelining client fill our heap while paused;
 * here a paused framer simply holds what it has and the session keeps auto-read off.
 */
public final class SmtpInputFramer extends ChannelInboundHandlerAdapter {

    private enum Mode { COMMAND, AUTH_RESPONSE, DATA, BDAT }

    private final int maxLine;
    private ChannelHandlerContext ctx;
    private ByteBuf buffer;
    private Mode mode = Mode.COMMAND;
    private ContentDecoder dataDecoder;
    private long bdatRemaining;
    private boolean discardingLongLine;
    private boolean paused;
    private boolean processing;

    /** @param maxLine longest command or SASL line accepted, CRLF included */
    public SmtpInputFramer(int maxLine) {
        this.maxLine = maxLine;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        buffer = buffer == null ? in : ByteToMessageDecoder.MERGE_CUMULATOR.cumulate(ctx.alloc(), buffer, in);
        process();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        release();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        release();
        ctx.fireChannelInactive();
    }

    /** Bytes received but not yet framed: non-zero right after STARTTLS means pipelined plaintext. */
    public int bufferedBytes() {
        return buffer == null ? 0 : buffer.readableBytes();
    }

    /** Drops everything buffered (STARTTLS injection guard, SUB-17). */
    public void discardBuffered() {
        release();
    }

    public void commandMode() {
        mode = Mode.COMMAND;
    }

    public void authResponseMode() {
        mode = Mode.AUTH_RESPONSE;
    }

    /** From the next byte on, content up to CRLF.CRLF. */
    public void dataMode() {
        mode = Mode.DATA;
        dataDecoder = new ContentDecoder(true);
    }

    /** From the next byte on, exactly {@code size} octets of content (size > 0). */
    public void bdatMode(long size) {
        if (size <= 0) {
            throw new IllegalArgumentException("BDAT chunk of " + size + " octets needs no framing");
        }
        mode = Mode.BDAT;
        bdatRemaining = size;
    }

    /** Stops handing out frames; buffered input stays until {@link #resume()}. */
    public void pause() {
        paused = true;
    }

    /** Continues with buffered input, if any. */
    public void resume() {
        paused = false;
        process();
    }

    private void process() {
        if (processing) {
            return; // re-entered from a handler further up: the outer loop continues
        }
        processing = true;
        try {
            while (!paused && buffer != null && buffer.isReadable() && ctx.channel().isOpen()) {
                boolean progress = switch (mode) {
                    case COMMAND, AUTH_RESPONSE -> line();
                    case DATA -> data();
                    case BDAT -> bdat();
                };
                if (!progress) {
                    break;
                }
            }
        } finally {
            processing = false;
        }
        if (buffer != null) {
            if (!buffer.isReadable()) {
                release();
            } else if (buffer.refCnt() == 1) { // BDAT slices may still share its memory
                buffer.discardSomeReadBytes();
            }
        }
    }

    private boolean line() {
        int start = buffer.readerIndex();
        int end = buffer.writerIndex();
        int searchEnd = discardingLongLine ? end : Math.min(end, start + maxLine);
        int cr = findCrlf(start, searchEnd);
        if (discardingLongLine) {
            if (cr < 0) {
                // keep a trailing CR: its LF may come in the next read
                int keep = buffer.getByte(end - 1) == '\r' ? 1 : 0;
                buffer.skipBytes(end - start - keep);
                return false;
            }
            buffer.readerIndex(cr + 2);
            discardingLongLine = false;
            emitLine(new byte[0], true);
            return true;
        }
        if (cr < 0) {
            if (end - start >= maxLine) {
                discardingLongLine = true;
                return true;
            }
            return false;
        }
        byte[] bytes = new byte[cr - start];
        buffer.readBytes(bytes);
        buffer.skipBytes(2);
        emitLine(bytes, false);
        return true;
    }

    private void emitLine(byte[] bytes, boolean tooLong) {
        InputFrame frame = mode == Mode.AUTH_RESPONSE ? new InputFrame.AuthLine(bytes, tooLong)
                : new InputFrame.CommandLine(bytes, tooLong);
        ctx.fireChannelRead(frame);
    }

    /** Index of the CR of the first CRLF within [from, to), or -1. A bare LF is skipped (SUB-06). */
    private int findCrlf(int from, int to) {
        int i = from;
        while (i < to) {
            int lf = buffer.indexOf(i, to, (byte) '\n');
            if (lf < 0) {
                return -1;
            }
            if (lf > from && buffer.getByte(lf - 1) == '\r') {
                return lf - 1;
            }
            i = lf + 1;
        }
        return -1;
    }

    private boolean data() {
        ByteBuf out = ctx.alloc().buffer(buffer.readableBytes());
        boolean ended = dataDecoder.decode(buffer, out);
        if (out.isReadable()) {
            ctx.fireChannelRead(new InputFrame.Content(out));
        } else {
            out.release();
        }
        if (ended) {
            ContentDecoder done = dataDecoder;
            dataDecoder = null;
            mode = Mode.COMMAND;
            ctx.fireChannelRead(new InputFrame.ContentEnd(done.bareCrOrLf(), done.lineTooLong()));
        }
        return true;
    }

    private boolean bdat() {
        int n = (int) Math.min(bdatRemaining, buffer.readableBytes());
        bdatRemaining -= n;
        ctx.fireChannelRead(new InputFrame.Content(buffer.readRetainedSlice(n)));
        if (bdatRemaining == 0) {
            mode = Mode.COMMAND;
            ctx.fireChannelRead(new InputFrame.ContentEnd(false, false));
        }
        return true;
    }

    private void release() {
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
    }
}
