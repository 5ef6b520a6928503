package io.github.exchangevss.lifecycle;

import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which Exchange VSS writer logs the events of each computer. Exchange 2003 to 2010 log the Information Store
 * writer's events (MSExchangeIS 9600 to 9840), which KB 910250's lifecycle follows. From Exchange 2013 on, the one
 * Exchange writer runs in the Microsoft Exchange Replication service and logs as MSExchangeRepl, with other IDs
 * whose meaning Microsoft does not document as the KB does; the exporter only counts those.
 */
public final class ExchangeWriters {
    public static final String INFORMATION_STORE = "information_store";
    public static final String REPLICATION_SERVICE = "replication_service";

    /** The text diagnose and the documentation give for a computer whose writer events are all MSExchangeRepl. */
    public static final String REPLICATION_ONLY = "its writer events come from the Microsoft Exchange Replication service"
            + " (MSExchangeRepl) and none from the Information Store writer (MSExchangeIS 9600-9840). That is Exchange"
            + " 2013 or later, whose Exchange writer runs in the Replication service (or an Exchange 2007/2010 server"
            + " backed up only from passive copies, through the Replication Writer). KB 910250's backupInProgress"
            + " lifecycle does not apply there: the exporter counts the MSExchangeRepl events per ID"
            + " (exchange_vss_events_total) and the ExchangeVssReplicationWriterError alert watches writer errors"
            + " such as 2034; if backups fail, restart the Microsoft Exchange Replication service, which resets the"
            + " writer, and check 'vssadmin list writers'.";

    private ExchangeWriters() {}

    /** The writers seen per computer, by the labels of {@code exchange_vss_writer_info}. */
    public static TreeMap<String, Set<String>> seen(List<EventCount> events) {
        TreeMap<String, Set<String>> writers = new TreeMap<>();
        for (EventCount e : events) {
            String writer = null;
            if (e.provider().equals(VssEvents.PROVIDER) && WriterEvent.of(e.eventId()).isPresent()) {
                writer = INFORMATION_STORE;
            } else if (e.provider().equals(EventCounting.REPLICATION_PROVIDER)) {
                writer = REPLICATION_SERVICE;
            }
            if (writer != null) {
                writers.computeIfAbsent(e.computer(), c -> new TreeSet<>()).add(writer);
            }
        }
        return writers;
    }

    /** The computers whose writer events are MSExchangeRepl only: the KB's lifecycle does not watch them. */
    public static Set<String> replicationOnly(List<EventCount> events) {
        Set<String> computers = new TreeSet<>();
        seen(events).forEach((computer, writers) -> {
            if (writers.equals(Set.of(REPLICATION_SERVICE))) {
                computers.add(computer);
            }
        });
        return computers;
    }
}
