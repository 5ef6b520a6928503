package io.github.exchangevss.lifecycle;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which providers' events {@code exchange_vss_events_total} counts per event ID, and how many series it may make.
 * Only counting: the lifecycle follows MSExchangeIS alone, whatever is counted.
 *
 * @param providers the providers counted, spelled as Windows names them (names compare case-insensitively)
 * @param maxSeries the most (provider, event ID, level) series of {@code exchange_vss_events_total}; events of
 *                  a new series beyond it are not counted, so a noisy provider cannot flood Prometheus
 */
public record EventCounting(Set<String> providers, int maxSeries) {
    public static final String REPLICATION_PROVIDER = "MSExchangeRepl";
    /** The writer-related providers that may be counted: the two writers, the database engine, VSS itself. */
    public static final List<String> KNOWN = List.of(VssEvents.PROVIDER, REPLICATION_PROVIDER, "ESE", "VSS");
    public static final EventCounting DEFAULTS = new EventCounting(Set.of(VssEvents.PROVIDER, REPLICATION_PROVIDER), 5000);

    public EventCounting {
        providers = Set.copyOf(providers);
        for (String p : providers) {
            if (!KNOWN.contains(p)) {
                throw new IllegalArgumentException("'" + p + "' is not one of " + String.join(", ", KNOWN));
            }
        }
        if (maxSeries <= 0) {
            throw new IllegalArgumentException("the series limit must be positive");
        }
    }

    /** The providers given in any spelling, as the canonical names of {@link #KNOWN}; an unknown name is an error. */
    public static Set<String> canonicalNames(List<String> names) {
        Map<String, String> byLowerCase = new TreeMap<>();
        KNOWN.forEach(k -> byLowerCase.put(k.toLowerCase(Locale.ROOT), k));
        Set<String> result = new java.util.TreeSet<>();
        for (String name : names) {
            String known = byLowerCase.get(name.trim().toLowerCase(Locale.ROOT));
            if (known == null) {
                throw new IllegalArgumentException("'" + name + "' is not one of " + String.join(", ", KNOWN));
            }
            result.add(known);
        }
        return result;
    }

    /** The canonical name under which an event of {@code provider} is counted, or null when it is not counted. */
    String counted(String provider) {
        if (provider == null) {
            return null;
        }
        for (String p : providers) {
            if (p.equalsIgnoreCase(provider)) {
                return p;
            }
        }
        return null;
    }
}
