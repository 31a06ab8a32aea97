package dev.rampart.server.config;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.Encoder;
import org.slf4j.LoggerFactory;

import java.io.OutputStream;
import java.util.Locale;

/**
 * Applies {@code log.format} and {@code log.level} to Logback at start, replacing the bootstrap
 * configuration from logback.xml: one event per line on the given stream (stdout in production), either
 * text or JSON ({@link JsonEncoder}, which carries the slf4j key/value pairs as fields). The delivery log,
 * logger {@value #DELIVERY_LOGGER}, stays at INFO whatever the root level. Call once, before the relay
 * starts; not meant to race with logging threads.
 */
public final class LogbackConfigurator {
    /** The delivery log: one line per delivery attempt outcome; always on. */
    public static final String DELIVERY_LOGGER = "rampart.delivery";

    /** UTC ISO-8601 time, level, logger, message, then key=value pairs when the event has any. */
    public static final String TEXT_PATTERN =
            "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level %logger{20} %msg%replace( %kvp{DOUBLE}){'^ $', ''}%n%ex";

    /** The delivery log's text lines: its message already is the key=value line, so no pairs are appended. */
    public static final String DELIVERY_TEXT_PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSX,UTC} %-5level %logger{20} %msg%n%ex";

    private LogbackConfigurator() {}

    /** Reconfigures Logback; a no-op when slf4j is bound to another backend. */
    public static void apply(RampartConfig.Log settings, OutputStream out) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return;
        }
        context.reset();
        Encoder<ILoggingEvent> encoder = switch (settings.format()) {
            case TEXT -> {
                PatternLayoutEncoder e = new PatternLayoutEncoder();
                e.setPattern(TEXT_PATTERN);
                yield e;
            }
            case JSON -> {
                JsonEncoder e = new JsonEncoder();
                e.setWithSequenceNumber(false);
                e.setWithNanoseconds(false);
                e.setWithContext(false);
                e.setWithMessage(false);
                e.setWithArguments(false);
                e.setWithFormattedMessage(true);
                yield e;
            }
        };
        encoder.setContext(context);
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender = streamAppender(context, "stdout", encoder, out);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(settings.level().toUpperCase(Locale.ROOT), Level.INFO));
        root.addAppender(appender);
        // dnsjava's validator logs every bad signature it meets, in anyone's zone, at ERROR with a stack trace.
        // Those are facts about remote zones, not faults here, and each lookup already carries the reason
        // into the delivery log; keep its chatter for debugging.
        if (!root.isDebugEnabled()) {
            context.getLogger(DNSSEC_VALIDATOR_LOGGER).setLevel(Level.OFF);
        }
        Logger delivery = context.getLogger(DELIVERY_LOGGER);
        delivery.setLevel(Level.INFO);
        if (settings.format() == RampartConfig.LogFormat.TEXT) {
            PatternLayoutEncoder e = new PatternLayoutEncoder();
            e.setPattern(DELIVERY_TEXT_PATTERN);
            e.setContext(context);
            e.start();
            delivery.setAdditive(false);
            delivery.addAppender(streamAppender(context, "delivery", e, out));
        }
    }

    static final String DNSSEC_VALIDATOR_LOGGER = "org.xbill.DNS.dnssec";

    private static OutputStreamAppender<ILoggingEvent> streamAppender(LoggerContext context, String name,
                                                                      Encoder<ILoggingEvent> encoder, OutputStream out) {
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setName(name);
        appender.setEncoder(encoder);
        appender.setImmediateFlush(true);
        appender.setOutputStream(out);
        appender.start();
        return appender;
    }
}
