package io.github.exchangevss.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.pattern.ClassicConverter;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.pattern.DynamicConverter;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;

/**
 * Logback on stderr, as the official exporters log: {@code --log.level} and {@code --log.format} logfmt (the
 * default) or json. Until a command applies its flags, {@link Defaults} gives logfmt at info, so nothing is
 * written to stdout, which {@code diagnose} and {@code evtx dump} keep for their results.
 */
public final class Logging {
    /** logfmt as the Prometheus exporters write it: time, level, source, msg, then err when there is one. */
    private static final String LOGFMT = "time=%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX,UTC} level=%logfmt{level} "
            + "source=%logger{0} msg=%logfmt{message}%logfmt{err}%nopex%n";

    private Logging() {}

    static void configure(String level, String format) {
        configure((LoggerContext) LoggerFactory.getILoggerFactory(), level, format);
    }

    private static void configure(LoggerContext context, String level, String format) {
        context.reset();
        Encoder<ILoggingEvent> encoder = format.equals("json") ? json() : logfmt(context);
        encoder.setContext(context);
        encoder.start();
        ConsoleAppender<ILoggingEvent> appender = new ConsoleAppender<>();
        appender.setContext(context);
        appender.setName("stderr");
        appender.setTarget("System.err");
        appender.setEncoder(encoder);
        appender.start();
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(level, Level.INFO));
        root.addAppender(appender);
    }

    /** Logback's JSON lines: timestamp (epoch ms), level, logger, formatted message and, if any, the throwable. */
    private static Encoder<ILoggingEvent> json() {
        JsonEncoder json = new JsonEncoder();
        json.setWithSequenceNumber(false);
        json.setWithNanoseconds(false);
        json.setWithThreadName(false);
        json.setWithContext(false);
        json.setWithMDC(false);
        json.setWithKVPList(false);
        json.setWithMarkers(false);
        json.setWithMessage(false);
        json.setWithArguments(false);
        json.setWithFormattedMessage(true);
        return json;
    }

    private static Encoder<ILoggingEvent> logfmt(LoggerContext context) {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern(LOGFMT);
        @SuppressWarnings("unchecked")
        Map<String, Supplier<DynamicConverter<?>>> converters =
                (Map<String, Supplier<DynamicConverter<?>>>) context.getObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS);
        if (converters == null) {
            converters = new HashMap<>();
            context.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, converters);
        }
        converters.put("logfmt", LogfmtValue::new);
        return encoder;
    }

    /** The setup before (or without) the command's flags: logfmt at info on stderr. Found by Logback's ServiceLoader. */
    public static final class Defaults extends ContextAwareBase implements Configurator {
        @Override
        public ExecutionStatus configure(LoggerContext context) {
            Logging.configure(context, "info", "logfmt");
            return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
        }
    }

    /**
     * {@code %logfmt{level}}: the level in lower case; {@code %logfmt{message}}: the message as a quoted logfmt
     * value; {@code %logfmt{err}}: {@code  err="…"} with the exception and its stack on one line, or nothing.
     */
    static final class LogfmtValue extends ClassicConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return switch (String.valueOf(getFirstOption())) {
                case "level" -> event.getLevel().toString().toLowerCase(Locale.ROOT);
                case "err" -> event.getThrowableProxy() == null ? ""
                        : " err=" + quote(ThrowableProxyUtil.asString(event.getThrowableProxy()).strip());
                default -> quote(event.getFormattedMessage());
            };
        }

        static String quote(String value) {
            StringBuilder out = new StringBuilder(value.length() + 2).append('"');
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    case '\n' -> out.append("\\n");
                    case '\r' -> out.append("\\r");
                    case '\t' -> out.append("\\t");
                    default -> {
                        if (c < 0x20) {
                            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            return out.append('"').toString();
        }
    }
}
