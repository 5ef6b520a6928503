package io.github.exchangevss.config;

import io.github.exchangevss.http.HttpSettings;
import io.github.exchangevss.http.WebConfig;
import io.github.exchangevss.http.WebConfigException;
import io.github.exchangevss.lifecycle.LifecycleSettings;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The resolved options of {@code serve} and {@code demo}: flags over {@code --config.file} over defaults,
 * each checked once at start-up with an error that names the flag or key.
 */
public record ExporterConfig(
        HttpSettings http,
        Path storagePath,
        String logLevel,
        LifecycleSettings lifecycle,
        List<String> sources,
        boolean follow,
        Duration pollInterval) {

    public static final Set<String> LOG_LEVELS = Set.of("debug", "info", "warn", "error");

    public static final String LISTEN_ADDRESS = "web.listen-address";
    public static final String TELEMETRY_PATH = "web.telemetry-path";
    public static final String WEB_CONFIG_FILE = "web.config.file";
    public static final String STORAGE_PATH = "storage.path";
    public static final String LOG_LEVEL = "log.level";
    public static final String ACTIVE_TIMEOUT = "backup.active-timeout";
    public static final String STUCK_AFTER = "backup.stuck-after";
    public static final String SOURCES = "source.inputs";
    public static final String FOLLOW = "source.follow";
    public static final String POLL_INTERVAL = "source.poll-interval";

    public static final Set<String> KEYS = Set.of(LISTEN_ADDRESS, TELEMETRY_PATH, WEB_CONFIG_FILE, STORAGE_PATH,
            LOG_LEVEL, ACTIVE_TIMEOUT, STUCK_AFTER, SOURCES, FOLLOW, POLL_INTERVAL);

    /**
     * @param defaultStoragePath where state is kept when nothing is said; null keeps it in memory only
     * @param defaultLifecycle   thresholds when nothing is said
     */
    public static ExporterConfig resolve(ConfigValues v, String defaultStoragePath, LifecycleSettings defaultLifecycle)
            throws ConfigException {
        InetSocketAddress listen;
        try {
            listen = HttpSettings.parseListenAddress(v.string(LISTEN_ADDRESS, HttpSettings.DEFAULT_LISTEN_ADDRESS));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(v.origin(LISTEN_ADDRESS) + e.getMessage());
        }
        Path webConfigFile = v.path(WEB_CONFIG_FILE, null);
        WebConfig webConfig;
        try {
            webConfig = webConfigFile == null ? WebConfig.NONE : WebConfig.load(webConfigFile);
        } catch (WebConfigException e) {
            throw new ConfigException(e.getMessage());
        }
        HttpSettings http;
        try {
            http = new HttpSettings(listen, v.string(TELEMETRY_PATH, HttpSettings.DEFAULT_TELEMETRY_PATH), webConfig);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(v.origin(TELEMETRY_PATH) + e.getMessage());
        }
        String level = v.string(LOG_LEVEL, "info").toLowerCase(Locale.ROOT);
        if (!LOG_LEVELS.contains(level)) {
            throw new ConfigException(v.where(LOG_LEVEL) + ": '" + level + "' is not one of debug, info, warn, error");
        }
        LifecycleSettings lifecycle = new LifecycleSettings(
                v.duration(ACTIVE_TIMEOUT, Durations.format(defaultLifecycle.activeTimeout())),
                v.duration(STUCK_AFTER, Durations.format(defaultLifecycle.stuckAfter())));
        return new ExporterConfig(http, v.path(STORAGE_PATH, defaultStoragePath), level, lifecycle, v.strings(SOURCES),
                v.bool(FOLLOW, false), v.duration(POLL_INTERVAL, "1s"));
    }
}
