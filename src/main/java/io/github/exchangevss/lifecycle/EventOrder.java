package io.github.exchangevss.lifecycle;

import io.github.exchangevss.event.EventRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Puts events read from several files in the order the engine needs: by record ID within each computer's
 * channel (record IDs never go back, clocks may), and by time across channels.
 */
public final class EventOrder {
    private EventOrder() {}

    public static List<EventRecord> sort(List<EventRecord> events) {
        Map<String, List<EventRecord>> byChannel = new LinkedHashMap<>();
        for (EventRecord e : events) {
            byChannel.computeIfAbsent(e.computer() + "\u0000" + e.channel(), k -> new ArrayList<>()).add(e);
        }
        List<List<EventRecord>> runs = new ArrayList<>(byChannel.values());
        runs.forEach(run -> run.sort(Comparator.comparingLong(EventRecord::recordId)));

        record Head(int run, int index, EventRecord event) {}
        PriorityQueue<Head> heads = new PriorityQueue<>(
                Comparator.comparing((Head h) -> h.event().timeCreated()).thenComparingInt(Head::run));
        for (int r = 0; r < runs.size(); r++) {
            heads.add(new Head(r, 0, runs.get(r).get(0)));
        }
        List<EventRecord> out = new ArrayList<>(events.size());
        while (!heads.isEmpty()) {
            Head h = heads.poll();
            out.add(h.event());
            List<EventRecord> run = runs.get(h.run());
            if (h.index() + 1 < run.size()) {
                heads.add(new Head(h.run(), h.index() + 1, run.get(h.index() + 1)));
            }
        }
        return out;
    }
}
