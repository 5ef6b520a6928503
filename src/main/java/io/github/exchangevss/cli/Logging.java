package io.github.exchangevss.cli;

/**
 * Sets up slf4j-simple from {@code --log.level}. It reads its settings when the first logger is made, so this
 * runs before anything logs; command classes therefore make no loggers of their own in static fields.
 */
final class Logging {
    private Logging() {}

    static void configure(String level) {
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", level);
        System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
        System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX");
        System.setProperty("org.slf4j.simpleLogger.showThreadName", "false");
        System.setProperty("org.slf4j.simpleLogger.showShortLogName", "true");
        System.setProperty("org.slf4j.simpleLogger.logFile", "System.err");
    }
}
