package io.github.exchangevss.config;

/** A flag or configuration value is wrong. The message names the flag or key path and says what is expected. */
public class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }
}
