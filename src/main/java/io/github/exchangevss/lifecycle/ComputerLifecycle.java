package io.github.exchangevss.lifecycle;

import io.github.exchangevss.event.EventRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The KB 910250 state machine of one computer's Exchange VSS writer.
 *
 * <p>It infers the writer's {@code backupInProgress} flag from the MSExchangeIS events (9608 sets it; 9600, 9616
 * and 9648 reset it), follows attempts (separated by 9604), and remembers which attempt set the flag: the method
 * of the KB is judged from that attempt ({@link Judgement#of}), however many refusals follow it.
 * Not thread-safe: the engine serialises access.
 */
final class ComputerLifecycle {
    static final int HISTORY_LIMIT = 20;
    /** Events of the current incident kept besides those of the attempt that set the flag (always kept). */
    static final int INCIDENT_LIMIT = 30;

    final String computer;
    long nextAttemptId = 1;
    FlagState flag = FlagState.Clear.INSTANCE;
    /** The attempt the latest events belong to. */
    Attempt current;
    /** An attempt still running when a newer one started: Method 1's "earlier backup in progress". */
    Attempt earlier;

    final Map<Outcome, Long> attempts = new EnumMap<>(Outcome.class);
    DurationHistogram durations = new DurationHistogram();
    Instant lastSuccessfulBackup;
    Instant lastEventTime;
    /** Events since the flag was set, oldest first; empty while it is clear. */
    final List<RememberedEvent> incident = new ArrayList<>();
    /** Earlier events, oldest first. */
    final Deque<RememberedEvent> history = new ArrayDeque<>();

    ComputerLifecycle(String computer) {
        this.computer = computer;
    }

    void noteEvent(Instant time) {
        if (lastEventTime == null || time.isAfter(lastEventTime)) {
            lastEventTime = time;
        }
    }

    void apply(EventRecord e, WriterEvent kind, LifecycleSettings settings) {
        Instant t = e.timeCreated();
        switch (kind) {
            case INITIALIZE_WRITER -> {
                endAttempt(earlier);
                endAttempt(current);
                earlier = null;
                current = null;
                clearFlag();
                remember(e, kind.description(), null);
            }
            case BACKUP_START -> {
                startAttempt(t, settings);
                remember(e, kind.description(), current);
            }
            case VOLUME_SNAP, SNAPSHOT_FREEZE, SNAPSHOT_THAW -> {
                Attempt a = progressTarget(t);
                a.touch(t);
                if (kind != WriterEvent.VOLUME_SNAP) {
                    a.steps.add(Step.SNAPSHOT_TAKEN);
                }
                remember(e, kind.description(), a);
            }
            case PREPARED -> {
                Attempt a = progressTarget(t);
                a.touch(t);
                a.steps.add(Step.PREPARED);
                remember(e, kind.description(), a);
                // PrepareBackup succeeds only while the flag is clear: a 9608 of another attempt than the one
                // holding it means the flag was reset without a trace in the events read.
                if (!(flag instanceof FlagState.Set set) || set.setter() != a) {
                    clearFlag();
                    setFlag(new FlagState.Set(t, a, null, false), a);
                }
            }
            case ABORT -> {
                Attempt a = progressTarget(t);
                a.touch(t);
                // The writer logs "Abort ignored" when the flag was set by an earlier attempt, i.e. when this one
                // never got past PrepareBackup; that is also how an abort without (English) text is read.
                boolean ignored = VssEvents.mentions(e, "ignored")
                        || (!a.did(Step.PREPARED) && !VssEvents.mentions(e, "success"));
                if (ignored) {
                    a.steps.add(Step.ABORT_IGNORED);
                    remember(e, DiagnosisText.ABORT_IGNORED, a);
                } else {
                    a.steps.add(Step.ABORTED);
                    count(a, Outcome.ABORTED);
                    remember(e, DiagnosisText.aborted(a.did(Step.PREPARED)), a);
                }
            }
            case PREPARE_REFUSED -> {
                Attempt a = refusalTarget(t, settings);
                a.steps.add(Step.REFUSED);
                count(a, Outcome.REFUSED);
                remember(e, VssEvents.mentions(e, "backup in progress") ? DiagnosisText.REFUSED_BACKUP_IN_PROGRESS
                        : kind.description(), a);
                if (flag instanceof FlagState.Set set) {
                    flag = set.refused(t);
                } else {
                    setFlag(new FlagState.Set(t, null, t, false), a);
                }
            }
            case BACKUP_FAILED -> {
                Attempt a = current != null ? current : newAttempt(t);
                a.touch(t);
                a.steps.add(Step.FAILED);
                count(a, Outcome.FAILED);
                remember(e, kind.description(), a);
                // A 9840 while the flag is clear failed before PrepareBackup: it leaves nothing behind.
                if (flag instanceof FlagState.Set set) {
                    flag = set.failed(t);
                }
            }
            case BACKUP_COMPLETE, BACKUP_SHUTDOWN -> {
                Attempt a = progressTarget(t);
                a.touch(t);
                if (kind == WriterEvent.BACKUP_COMPLETE) {
                    a.steps.add(Step.BACKUP_COMPLETE);
                    if (count(a, Outcome.COMPLETED)) {
                        lastSuccessfulBackup = t;
                        durations.observe(Math.max(0, Duration.between(a.startedAt, t).toNanos() / 1e9));
                    }
                } else {
                    a.steps.add(Step.BACKUP_SHUTDOWN);
                }
                clearFlag();
                remember(e, kind.description(), a);
            }
        }
    }

    private void startAttempt(Instant t, LifecycleSettings settings) {
        if (current != null) {
            if (current.runningAt(t, settings.activeTimeout())) {
                endAttempt(earlier);
                earlier = current;
            } else {
                endAttempt(earlier);
                endAttempt(current);
                earlier = null;
            }
        }
        newAttempt(t);
    }

    private Attempt newAttempt(Instant t) {
        current = new Attempt(nextAttemptId++, t);
        return current;
    }

    /** Progress belongs to the newest attempt unless that one was refused while an earlier one still runs. */
    private Attempt progressTarget(Instant t) {
        if (current == null) {
            return newAttempt(t);
        }
        if (current.did(Step.REFUSED) && earlier != null) {
            return earlier;
        }
        return current;
    }

    /**
     * A refusal comes from PrepareBackup: if the newest attempt already got past PrepareBackup or is over,
     * the refusal starts a new attempt whose 9604 was not read (the KB's own table shows 9608, 9614, 9607).
     */
    private Attempt refusalTarget(Instant t, LifecycleSettings settings) {
        if (current == null) {
            return newAttempt(t);
        }
        if (current.did(Step.PREPARED) || current.finished()) {
            startAttempt(t, settings);
        }
        current.touch(t);
        return current;
    }

    private boolean count(Attempt a, Outcome outcome) {
        if (a.outcome != null) {
            return false;
        }
        a.outcome = outcome;
        attempts.merge(outcome, 1L, Long::sum);
        return true;
    }

    private void endAttempt(Attempt a) {
        if (a != null && a.outcome == null) {
            count(a, a.endingOutcome());
        }
    }

    /** The incident starts: the events already read of the attempt that started it become part of it. */
    private void setFlag(FlagState.Set set, Attempt by) {
        flag = set;
        for (Iterator<RememberedEvent> it = history.iterator(); it.hasNext(); ) {
            RememberedEvent r = it.next();
            if (r.attemptId() == by.id) {
                it.remove();
                incident.add(r);
            }
        }
    }

    /** The incident ends: its events become history. */
    private void clearFlag() {
        flag = FlagState.Clear.INSTANCE;
        history.addAll(incident);
        incident.clear();
        trimHistory();
    }

    private void remember(EventRecord e, String description, Attempt a) {
        RememberedEvent r = new RememberedEvent(e.timeCreated(), e.recordId(), e.eventId(), description,
                a == null ? RememberedEvent.NO_ATTEMPT : a.id);
        if (flag instanceof FlagState.Set set) {
            incident.add(r);
            trimIncident(set);
        } else {
            history.addLast(r);
            trimHistory();
        }
    }

    private void trimHistory() {
        while (history.size() > HISTORY_LIMIT) {
            history.removeFirst();
        }
    }

    /** Keeps every event of the attempt that set the flag and the newest others. */
    private void trimIncident(FlagState.Set set) {
        long setterId = set.setter() == null ? RememberedEvent.NO_ATTEMPT : set.setter().id;
        long others = incident.stream().filter(r -> r.attemptId() != setterId).count();
        for (Iterator<RememberedEvent> it = incident.iterator(); others > INCIDENT_LIMIT && it.hasNext(); ) {
            if (it.next().attemptId() != setterId) {
                it.remove();
                others--;
            }
        }
    }

    /** The state as judged at {@code now}; pure, so a scrape never changes what the next one sees. */
    ComputerSnapshot snapshot(Instant now, LifecycleSettings settings) {
        Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
        for (Outcome o : Outcome.values()) {
            counts.put(o, attempts.getOrDefault(o, 0L));
        }
        List<EvidenceEvent> history = newestFirst(this.history, RememberedEvent.NO_ATTEMPT - 1);
        if (!(flag instanceof FlagState.Set set)) {
            return new ComputerSnapshot(computer, false, null, false, null, null, null, counts, lastSuccessfulBackup,
                    durations.snapshot(), List.of(), history, lastEventTime);
        }
        Judgement j = Judgement.of(set, now, settings);
        long setterId = set.setter() == null ? RememberedEvent.NO_ATTEMPT - 1 : set.setter().id;
        return new ComputerSnapshot(computer, true, set.since(), j.stuck() != null, DiagnosisText.stuckReason(j),
                j.remediation(), DiagnosisText.diagnosis(j), counts, lastSuccessfulBackup, durations.snapshot(),
                newestFirst(incident, setterId), history, lastEventTime);
    }

    private static List<EvidenceEvent> newestFirst(Iterable<RememberedEvent> events, long setterId) {
        List<EvidenceEvent> out = new ArrayList<>();
        events.forEach(r -> out.add(0, r.toEvidence(r.attemptId() == setterId)));
        return List.copyOf(out);
    }
}
