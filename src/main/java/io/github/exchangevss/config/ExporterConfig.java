package io.github.exchangevss.config;

import com.sun.jna.Platform;
import io.github.exchangevss.http.HttpSettings;
import io.github.exchangevss.http.Runbooks;
import io.github.exchangevss.http.WebConfig;
import io.github.exchangevss.http.WebConfigException;
import io.github.exchangevss.lifecycle.EventCounting;
import io.github.exchangevss.lifecycle.LifecycleSettings;
import io.github.exchangevss.lifecycle.VssEvents;
import io.github.exchangevss.source.windows.WindowsSourceConfig;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The resolved options of {@code serve} and {@code demo}: flags over {@code --config.file} over defaults,
 * each checked once at start-up with an error that names the flag or key.
 */
public record ExporterConfig(
        HttpSettings http,
        Path storagePath,
        String logLevel,
        String logFormat,
        LifecycleSettings lifecycle,
        List<String> sources,
        boolean follow,
        Duration pollInterval,
        Map<String, WindowsSourceConfig> windows,
        EventCounting eventCounting,
        Runbooks runbooks) {

    public static final Set<String> LOG_LEVELS = Set.of("debug", "info", "warn", "error");
    public static final Set<String> LOG_FORMATS = Set.of("logfmt", "json");

    public static final String LISTEN_ADDRESS = "web.listen-address";
    public static final String TELEMETRY_PATH = "web.telemetry-path";
    public static final String WEB_CONFIG_FILE = "web.config.file";
    public static final String RUNBOOK_URL = "web.runbook-url";
    public static final String STORAGE_PATH = "storage.path";
    public static final String LOG_LEVEL = "log.level";
    public static final String LOG_FORMAT = "log.format";
    public static final String ACTIVE_TIMEOUT = "backup.active-timeout";
    public static final String STUCK_AFTER = "backup.stuck-after";
    public static final String SOURCES = "source.inputs";
    public static final String FOLLOW = "source.follow";
    public static final String POLL_INTERVAL = "source.poll-interval";

    public static final String WINDOWS_CHANNELS = "source.windows.channels";
    public static final String WINDOWS_QUERIES = "source.windows.queries";
    public static final String WINDOWS_SERVER = "source.windows.server";
    public static final String WINDOWS_USERNAME = "source.windows.username";
    public static final String WINDOWS_PASSWORD_FILE = "source.windows.password-file";
    public static final String WINDOWS_PASSWORD_ENV = "source.windows.password-env";
    public static final String WINDOWS_LOOKBACK = "source.windows.lookback";
    public static final String WINDOWS_BACKOFF_INITIAL = "source.windows.backoff.initial";
    public static final String WINDOWS_BACKOFF_MAX = "source.windows.backoff.max";
    public static final String EVENTS_PROVIDERS = "events.providers";
    public static final String EVENTS_MAX_SERIES = "events.max-series";

    public static final Set<String> KEYS = Set.of(LISTEN_ADDRESS, TELEMETRY_PATH, WEB_CONFIG_FILE, STORAGE_PATH,
            LOG_LEVEL, LOG_FORMAT, ACTIVE_TIMEOUT, STUCK_AFTER, SOURCES, FOLLOW, POLL_INTERVAL, WINDOWS_CHANNELS, WINDOWS_QUERIES,
            WINDOWS_SERVER, WINDOWS_USERNAME, WINDOWS_PASSWORD_FILE, WINDOWS_PASSWORD_ENV, WINDOWS_LOOKBACK,
            WINDOWS_BACKOFF_INITIAL, WINDOWS_BACKOFF_MAX, EVENTS_PROVIDERS, EVENTS_MAX_SERIES, RUNBOOK_URL);

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
        Runbooks runbooks;
        try {
            runbooks = new Runbooks(v.string(RUNBOOK_URL, Runbooks.DEFAULT_BASE_URL));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(v.origin(RUNBOOK_URL) + e.getMessage());
        }
        String level = v.string(LOG_LEVEL, "info").toLowerCase(Locale.ROOT);
        if (!LOG_LEVELS.contains(level)) {
            throw new ConfigException(v.where(LOG_LEVEL) + ": '" + level + "' is not one of debug, info, warn, error");
        }
        String logFormat = v.string(LOG_FORMAT, "logfmt").toLowerCase(Locale.ROOT);
        if (!LOG_FORMATS.contains(logFormat)) {
            throw new ConfigException(v.where(LOG_FORMAT) + ": '" + logFormat + "' is not one of logfmt, json");
        }
        LifecycleSettings lifecycle = new LifecycleSettings(
                v.duration(ACTIVE_TIMEOUT, Durations.format(defaultLifecycle.activeTimeout())),
                v.duration(STUCK_AFTER, Durations.format(defaultLifecycle.stuckAfter())));
        List<String> sources = sources(v);
        EventCounting counting = eventCounting(v);
        Map<String, WindowsSourceConfig> windows = windows(v, sources, counting);
        boolean follow = v.bool(FOLLOW, false);
        Duration pollInterval = v.duration(POLL_INTERVAL, "1s");
        if (!follow) {
            requireExistingFiles(v, sources);
        }
        Path storagePath = v.path(STORAGE_PATH, defaultStoragePath);
        if (storagePath != null) {
            requireDirectoryOrNothing(v, storagePath);
        }
        return new ExporterConfig(http, storagePath, level, logFormat, lifecycle, sources, follow, pollInterval,
                windows, counting, runbooks);
    }

    /**
     * The live log's default subscription: the Information Store writer, whose events move the lifecycle, and every
     * counted provider, so that an Exchange 2013 writer's MSExchangeRepl events reach the exporter too.
     */
    static List<String> defaultQueries(EventCounting counting) {
        Set<String> providers = new TreeSet<>(counting.providers());
        providers.add(VssEvents.PROVIDER);
        return List.of("*[System[Provider[" + String.join(" or ", providers.stream().map(p -> "@Name='" + p + "'").toList())
                + "]]]");
    }

    /** The providers counted per event ID (default MSExchangeIS and MSExchangeRepl) and the series limit. */
    private static EventCounting eventCounting(ConfigValues v) throws ConfigException {
        List<String> names = v.strings(EVENTS_PROVIDERS);
        Set<String> providers;
        try {
            providers = names.isEmpty() ? EventCounting.DEFAULTS.providers() : EventCounting.canonicalNames(names);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(v.where(EVENTS_PROVIDERS) + ": " + e.getMessage());
        }
        String limit = v.string(EVENTS_MAX_SERIES, Integer.toString(EventCounting.DEFAULTS.maxSeries()));
        try {
            return new EventCounting(providers, Integer.parseInt(limit.trim()));
        } catch (IllegalArgumentException e) {
            throw new ConfigException(v.where(EVENTS_MAX_SERIES) + ": '" + limit + "' is not a positive whole number");
        }
    }

    /** Read once, a file source has nothing to wait for: a path that does not exist is a mistake to say at start. */
    private static void requireExistingFiles(ConfigValues v, List<String> sources) throws ConfigException {
        for (String spec : sources) {
            if (spec.startsWith("xml:") || spec.startsWith("evtx:")) {
                Path path;
                try {
                    path = Path.of(spec.substring(spec.indexOf(':') + 1)).toAbsolutePath().normalize();
                } catch (InvalidPathException e) {
                    throw new ConfigException(whereSources(v) + " " + spec + ": not a path: " + e.getReason());
                }
                if (!Files.exists(path)) {
                    throw new ConfigException(whereSources(v) + " " + spec + ": no such file or directory: " + path
                            + " (with --" + FOLLOW + " the exporter waits for it to appear)");
                }
            }
        }
    }

    /** The state is kept in a directory: the path, or the nearest part of it that exists, must be one. */
    private static void requireDirectoryOrNothing(ConfigValues v, Path storagePath) throws ConfigException {
        for (Path p = storagePath.toAbsolutePath().normalize(); p != null; p = p.getParent()) {
            if (Files.exists(p)) {
                if (!Files.isDirectory(p)) {
                    throw new ConfigException(v.where(STORAGE_PATH) + ": " + p + " is a file, not a directory"
                            + (p.equals(storagePath.toAbsolutePath().normalize()) ? "" : " (in " + storagePath + ")")
                            + "; the state is kept in a directory");
                }
                return;
            }
        }
    }

    /**
     * The sources to run: {@code source.inputs}, plus {@code windows:HOST} for each {@code source.windows.server};
     * on Windows the local live log when nothing else is said.
     */
    private static List<String> sources(ConfigValues v) throws ConfigException {
        List<String> specs = new ArrayList<>(v.strings(SOURCES));
        if (specs.isEmpty() && v.strings(WINDOWS_SERVER).isEmpty() && Platform.isWindows()) {
            specs.add("windows");
        }
        for (String server : v.strings(WINDOWS_SERVER)) {
            if (server.isBlank()) {
                throw new ConfigException(v.where(WINDOWS_SERVER) + ": a server name is empty");
            }
            specs.add("windows:" + server.trim());
        }
        for (String spec : specs) {
            boolean file = (spec.startsWith("xml:") || spec.startsWith("evtx:")) && spec.indexOf(':') < spec.length() - 1;
            boolean windows = spec.equals("windows") || (spec.startsWith("windows:") && spec.length() > "windows:".length());
            if (!file && !windows && !spec.equals("demo")) {
                throw new ConfigException(whereSources(v) + ": '" + spec
                        + "' is not a source; use xml:PATH, evtx:PATH, windows, windows:HOST or demo");
            }
        }
        if (specs.stream().distinct().count() != specs.size()) {
            throw new ConfigException(whereSources(v) + ": a source is given twice: " + specs);
        }
        return List.copyOf(specs);
    }

    /** The flag is {@code --source}, its key in the file {@code source.inputs}: name the one the value came from. */
    private static String whereSources(ConfigValues v) {
        return v.origin(SOURCES).equals("--") ? "--source" : v.where(SOURCES);
    }

    /**
     * The live-log settings of each {@code windows} and {@code windows:HOST} source, by spec. Credentials belong
     * to the remote hosts only: the local log is read as the service account.
     */
    private static Map<String, WindowsSourceConfig> windows(ConfigValues v, List<String> specs, EventCounting counting)
            throws ConfigException {
        List<String> channels = v.strings(WINDOWS_CHANNELS);
        List<String> queries = v.strings(WINDOWS_QUERIES);
        String username = v.string(WINDOWS_USERNAME, null);
        Path passwordFile = v.path(WINDOWS_PASSWORD_FILE, null);
        String passwordEnv = v.string(WINDOWS_PASSWORD_ENV, null);
        Duration lookback = v.duration(WINDOWS_LOOKBACK, Durations.format(WindowsSourceConfig.DEFAULT_LOOKBACK));
        Duration initial = v.duration(WINDOWS_BACKOFF_INITIAL, Durations.format(WindowsSourceConfig.DEFAULT_INITIAL_BACKOFF));
        Duration max = v.duration(WINDOWS_BACKOFF_MAX, Durations.format(WindowsSourceConfig.DEFAULT_MAX_BACKOFF));
        boolean anyRemote = specs.stream().anyMatch(s -> s.startsWith("windows:"));
        if (!anyRemote && !specs.contains("windows")) {
            for (String key : List.of(WINDOWS_USERNAME, WINDOWS_PASSWORD_FILE, WINDOWS_PASSWORD_ENV)) {
                if (v.isSet(key)) {
                    throw new ConfigException(v.where(key) + ": only used with source.windows.server");
                }
            }
        }
        Map<String, WindowsSourceConfig> configs = new LinkedHashMap<>();
        for (String spec : specs) {
            if (!spec.equals("windows") && !spec.startsWith("windows:")) {
                continue;
            }
            String server = spec.equals("windows") ? null : spec.substring("windows:".length());
            // Credentials given without any remote host are still checked, so the mistake is reported.
            boolean credentials = server != null || !anyRemote;
            try {
                configs.put(spec, new WindowsSourceConfig(
                        channels.isEmpty() ? WindowsSourceConfig.DEFAULT_CHANNELS : channels,
                        queries.isEmpty() ? defaultQueries(counting) : queries, server,
                        credentials ? username : null, credentials ? passwordFile : null,
                        credentials ? passwordEnv : null, lookback, initial, max));
            } catch (IllegalArgumentException e) {
                int colon = e.getMessage().indexOf(':');
                throw new ConfigException(v.origin(colon > 0 ? e.getMessage().substring(0, colon) : WINDOWS_SERVER)
                        + e.getMessage());
            }
        }
        return Map.copyOf(configs);
    }
}
