package io.github.exchangevss.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Properties;

/**
 * Version and source revision of this build, shown by {@code exchange_vss_exporter_build_info} and the status page.
 *
 * @param version  the Maven project version
 * @param revision the abbreviated git commit, or {@value #UNKNOWN} when the build had no git information
 */
public record BuildInfo(String version, String revision) {
    public static final String UNKNOWN = "unknown";
    private static final String RESOURCE = "/build.properties";

    public BuildInfo {
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(revision, "revision");
    }

    /** Reads {@code /build.properties}, which Maven resource filtering fills in. */
    public static BuildInfo fromClasspath() {
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return new BuildInfo(UNKNOWN, UNKNOWN);
            }
            Properties properties = new Properties();
            properties.load(in);
            return fromProperties(properties);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    static BuildInfo fromProperties(Properties properties) {
        return new BuildInfo(expanded(properties.getProperty("version")), expanded(properties.getProperty("revision")));
    }

    /** A value Maven left as {@code ${...}} (no git directory, an IDE build) is unknown rather than shown raw. */
    private static String expanded(String value) {
        if (value == null || value.isBlank() || value.contains("${")) {
            return UNKNOWN;
        }
        return value.trim();
    }
}
