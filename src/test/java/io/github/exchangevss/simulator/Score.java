package io.github.exchangevss.simulator;

import io.github.exchangevss.lifecycle.ComputerSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Checks judged right and wrong, per situation; keeps the first wrong ones to show. */
final class Score {
    private static final int SHOWN = 10;

    private final Map<String, long[]> rows = new TreeMap<>();
    private final List<String> wrong = new ArrayList<>();
    private long wrongCount;

    /** Compares what the exporter says about the check's server with the truth. */
    void judge(Fleet fleet, Check check, ComputerSnapshot got, String how) {
        boolean flagSet = got != null && got.backupInProgress();
        boolean stuck = got != null && got.stuck();
        Integer method = got == null || got.remediation() == null ? null : got.remediation().method();
        Situation truth = check.situation();
        boolean right = flagSet == truth.flagSet && stuck == truth.stuck() && java.util.Objects.equals(method, truth.method);
        long[] row = rows.computeIfAbsent(check.row(), k -> new long[2]);
        row[0]++;
        if (right) {
            row[1]++;
        } else if (wrongCount++ < SHOWN) {
            wrong.add(String.format("%s, %s: %s at %s is %s (in progress %s, stuck %s, method %s) but %s said"
                            + " in progress %s, stuck %s, method %s; %s", fleet, how, check.computer(), check.at(),
                    truth, truth.flagSet, truth.stuck(), truth.method, how, flagSet, stuck, method,
                    got == null ? "not listed" : got.diagnosis()));
        }
    }

    void add(Score other) {
        other.rows.forEach((k, v) -> {
            long[] row = rows.computeIfAbsent(k, x -> new long[2]);
            row[0] += v[0];
            row[1] += v[1];
        });
        wrong.addAll(other.wrong.subList(0, Math.min(other.wrong.size(), Math.max(0, SHOWN - wrong.size()))));
        wrongCount += other.wrongCount;
    }

    long wrongCount() {
        return wrongCount;
    }

    long judged() {
        return rows.values().stream().mapToLong(r -> r[0]).sum();
    }

    List<String> firstWrong() {
        return wrong;
    }

    /** The score by situation, as a Markdown table. */
    String table() {
        StringBuilder b = new StringBuilder("| Situation / check | judged | right |\n|---|---:|---:|\n");
        rows.forEach((k, v) -> b.append(String.format("| %s | %d | %.1f %% |%n", k, v[0], 100.0 * v[1] / v[0])));
        return b.toString();
    }
}
