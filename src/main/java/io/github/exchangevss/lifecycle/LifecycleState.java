package io.github.exchangevss.lifecycle;

import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Between a {@link ComputerLifecycle} and its persisted form: each attempt once, roles by id. */
final class LifecycleState {
    private LifecycleState() {}

    static EngineStateFormat.Computer export(ComputerLifecycle c) {
        Map<Long, Attempt> attempts = new TreeMap<>();
        EngineStateFormat.Flag flag = null;
        if (c.flag instanceof FlagState.Set set) {
            Attempt setter = set.setter();
            if (setter != null) {
                attempts.put(setter.id, setter);
            }
            flag = new EngineStateFormat.Flag(set.since(), setter == null ? null : setter.id, set.refusedAt(),
                    set.failureWhileSet());
        }
        for (Attempt a : new Attempt[] {c.current, c.earlier}) {
            if (a != null) {
                attempts.put(a.id, a);
            }
        }
        List<EngineStateFormat.AttemptState> listed = attempts.values().stream()
                .map(a -> new EngineStateFormat.AttemptState(a.id, a.startedAt, a.lastEventAt,
                        Collections.unmodifiableSet(EnumSet.copyOf(a.steps)), a.outcome))
                .toList();
        return new EngineStateFormat.Computer(c.computer, c.nextAttemptId, listed, id(c.current), id(c.earlier), flag,
                Collections.unmodifiableMap(new EnumMap<>(c.attempts)), c.durations.snapshot(), c.lastSuccessfulBackup, c.lastEventTime,
                List.copyOf(c.incident), List.copyOf(c.history));
    }

    private static Long id(Attempt a) {
        return a == null ? null : a.id;
    }

    static ComputerLifecycle restore(EngineStateFormat.Computer saved) {
        Map<Long, Attempt> byId = new HashMap<>();
        for (EngineStateFormat.AttemptState a : saved.attempts()) {
            byId.put(a.id(), new Attempt(a.id(), a.startedAt(), a.lastEventAt(), a.steps(), a.outcome()));
        }
        ComputerLifecycle c = new ComputerLifecycle(saved.computer());
        c.nextAttemptId = saved.nextAttemptId();
        c.current = saved.current() == null ? null : byId.get(saved.current());
        c.earlier = saved.earlier() == null ? null : byId.get(saved.earlier());
        EngineStateFormat.Flag flag = saved.flag();
        c.flag = flag == null ? FlagState.Clear.INSTANCE : new FlagState.Set(flag.since(),
                flag.setter() == null ? null : byId.get(flag.setter()), flag.refusedAt(), flag.failureWhileSet());
        c.attempts.putAll(saved.outcomes());
        c.durations = new DurationHistogram(saved.durations());
        c.lastSuccessfulBackup = saved.lastSuccessfulBackup();
        c.lastEventTime = saved.lastEventTime();
        c.incident.addAll(saved.incident());
        c.history.addAll(saved.history());
        return c;
    }
}
