package io.github.exchangevss.monitoring;

import static io.github.exchangevss.monitoring.MonitoringContent.*;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Lints the alerting rules, their unit tests, the Alertmanager example and the Grafana dashboard. */
class MonitoringContentTest {

    @Nested
    class Rules {
        @Test
        void passPromtoolCheck() throws Exception {
            String promtool = requireTool("promtool", "prometheus").toString();
            ToolResult result = run(List.of(promtool, "check", "rules", RULES.toString()));
            assertThat(result.exitCode()).as(result.output()).isZero();
            assertThat(result.output()).contains("SUCCESS");
        }

        @Test
        void passTheirUnitTests() throws Exception {
            String promtool = requireTool("promtool", "prometheus").toString();
            List<String> command = new ArrayList<>(List.of(promtool, "test", "rules"));
            ruleTestFiles().forEach(f -> command.add(f.toString()));
            ToolResult result = run(command);
            assertThat(result.exitCode()).as(result.output()).isZero();
            assertThat(result.output()).doesNotContain("FAILED");
        }

        @Test
        void everyAlertHasSeveritySummaryDescriptionAndItsRunbook() throws Exception {
            for (JsonNode rule : rules()) {
                if (!rule.has("alert")) {
                    continue;
                }
                String name = rule.path("alert").asText();
                assertThat(name).as("alert name").matches("ExchangeVss[A-Z][A-Za-z0-9]+");
                assertThat(rule.at("/labels/severity").asText()).as(name).isIn("critical", "warning", "info");
                assertThat(rule.at("/annotations/summary").asText()).as(name + " summary").isNotBlank().endsWith(".");
                assertThat(rule.at("/annotations/description").asText()).as(name + " description").contains("{{ $labels.");
                assertThat(rule.at("/annotations/runbook_url").asText()).as(name).isEqualTo(RUNBOOK_BASE + name + ".md");
                String runbook = Files.readString(RUNBOOKS.resolve(name + ".md"));
                assertThat(runbook).as(name + " runbook").startsWith("# " + name)
                        .contains("## Meaning", "## Impact", "## Diagnosis", "## Mitigation");
                assertThat(Files.readString(RUNBOOKS.resolve("README.md"))).as("runbook index").contains("(" + name + ".md)");
            }
        }

        @Test
        void everyAlertIsTestedFiringAndNotFiring() throws Exception {
            Set<String> firing = new HashSet<>();
            Set<String> silent = new HashSet<>();
            for (var file : ruleTestFiles()) {
                for (JsonNode test : yaml(file).path("tests")) {
                    for (JsonNode check : test.path("alert_rule_test")) {
                        String alert = check.path("alertname").asText();
                        (check.path("exp_alerts").isEmpty() ? silent : firing).add(alert);
                    }
                }
            }
            Set<String> alerts = new TreeSet<>();
            rules().stream().filter(r -> r.has("alert")).forEach(r -> alerts.add(r.path("alert").asText()));
            assertThat(firing).as("alerts tested firing").containsAll(alerts);
            assertThat(silent).as("alerts tested not firing").containsAll(alerts);
        }
    }

    @Test
    void alertmanagerExamplePassesAmtool() throws Exception {
        String amtool = requireTool("amtool", "prometheus-alertmanager").toString();
        ToolResult result = run(List.of(amtool, "check-config", ALERTMANAGER.toString()));
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("SUCCESS").doesNotContain("FAILED");
    }

    /**
     * One receiver per alert, so each receiver hears of an incident once: the page only for critical, Method 3's
     * stuck warning for the backup team, Method 1 for the low-noise channel. Checked with amtool's router.
     */
    @Test
    void alertmanagerExampleRoutesEachAlertToOneReceiver() throws Exception {
        String amtool = requireTool("amtool", "prometheus-alertmanager").toString();
        Map<String, String> expected = new java.util.LinkedHashMap<>();
        expected.put("alertname=ExchangeVssBackupStuck severity=critical method=2", "on-call-pager");
        expected.put("alertname=ExchangeVssBackupStuck severity=critical method=3", "on-call-pager");
        expected.put("alertname=ExchangeVssExporterDown severity=critical", "on-call-pager");
        expected.put("alertname=ExchangeVssBackupStuck severity=warning method=2", "exchange-team");
        expected.put("alertname=ExchangeVssBackupStuck severity=warning method=3", "backup-team");
        expected.put("alertname=ExchangeVssBackupProgramCleanupMissing severity=warning method=3", "exchange-team");
        expected.put("alertname=ExchangeVssBackupRefused severity=warning", "exchange-team");
        expected.put("alertname=ExchangeVssBackupRunningRefusal severity=info method=1", "exchange-info");
        for (JsonNode rule : rules()) {
            if (rule.has("alert")) {
                String severity = rule.at("/labels/severity").asText();
                expected.putIfAbsent("alertname=" + rule.path("alert").asText() + " severity=" + severity,
                        switch (severity) {
                            case "critical" -> "on-call-pager";
                            case "info" -> "exchange-info";
                            default -> "exchange-team";
                        });
            }
        }
        for (Map.Entry<String, String> e : expected.entrySet()) {
            List<String> command = new ArrayList<>(List.of(amtool, "config", "routes", "test",
                    "--config.file=" + ALERTMANAGER, "--verify.receivers=" + e.getValue()));
            command.addAll(List.of(e.getKey().split(" ")));
            ToolResult result = run(command);
            assertThat(result.exitCode()).as(e.getKey() + " -> " + e.getValue() + ": " + result.output()).isZero();
        }
    }

    @Nested
    class Dashboard {
        @Test
        void isImportableAndProvisionable() throws IOException {
            JsonNode dashboard = dashboard();
            assertThat(dashboard.path("uid").asText()).isEqualTo("exchange-vss");
            assertThat(dashboard.at("/__inputs/0/name").asText()).isEqualTo("DS_PROMETHEUS");
            List<String> variables = new ArrayList<>();
            dashboard.at("/templating/list").forEach(v -> variables.add(v.path("name").asText()));
            assertThat(variables).containsExactly("datasource", "job", "instance", "computer");
            assertThat(dashboard.at("/templating/list/0/current/value").asText()).isEqualTo("${DS_PROMETHEUS}");
        }

        /**
         * At the schema of current Grafana (12.2 and later write 42), so Grafana does not migrate it on load, and with
         * the table options of that schema: {@code custom.cellOptions}, not the deprecated {@code custom.displayMode}
         * nor the panel-level {@code options.footer}.
         */
        @Test
        void usesTheCurrentSchemaAndTableOptions() throws IOException {
            JsonNode dashboard = dashboard();
            assertThat(dashboard.path("schemaVersion").asInt()).isEqualTo(42);
            for (JsonNode panel : panels(dashboard)) {
                if (!panel.path("type").asText().equals("table")) {
                    continue;
                }
                String title = panel.path("title").asText();
                assertThat(panel.at("/fieldConfig/defaults/custom").has("displayMode")).as(title).isFalse();
                assertThat(panel.at("/fieldConfig/defaults/custom/cellOptions/type").asText()).as(title).isNotBlank();
                assertThat(panel.at("/fieldConfig/overrides").findValuesAsText("id")).as(title)
                        .doesNotContain("custom.displayMode");
                assertThat(panel.path("options").has("footer")).as(title + " options.footer").isFalse();
            }
        }

        @Test
        void everyPanelHasDataSourceQueryAndUnit() throws IOException {
            for (JsonNode panel : panels(dashboard())) {
                if (panel.path("type").asText().equals("row")) {
                    continue;
                }
                String title = panel.path("title").asText();
                assertThat(panel.at("/datasource/uid").asText()).as(title + " datasource").isEqualTo("${datasource}");
                assertThat(panel.at("/fieldConfig/defaults/unit").asText()).as(title + " unit").isNotBlank();
                assertThat(panel.path("description").asText()).as(title + " description").isNotBlank();
                assertThat(panel.path("targets")).as(title + " queries").isNotEmpty();
                for (JsonNode target : panel.path("targets")) {
                    assertThat(target.path("expr").asText()).as(title + " query").isNotBlank();
                    assertThat(target.at("/datasource/uid").asText()).as(title + " query datasource").isEqualTo("${datasource}");
                }
            }
        }

        @Test
        void everyPanelIsDescribedInTheReadme() throws IOException {
            String readme = Files.readString(ROOT.resolve("grafana/README.md"));
            for (JsonNode panel : panels(dashboard())) {
                if (!panel.path("type").asText().equals("row")) {
                    assertThat(readme).as("grafana/README.md").contains("| " + panel.path("title").asText() + " |");
                }
            }
        }

        @Test
        void namesOnlyDocumentedMetricsAndRecordingRules() throws IOException {
            Set<String> known = documentedMetrics();
            rules().stream().filter(r -> r.has("record")).forEach(r -> known.add(r.path("record").asText()));
            Map<String, String> exprs = dashboardExpressions(dashboard(), Map.of());
            rules().forEach(r -> exprs.put(r.path("alert").asText(r.path("record").asText()), r.path("expr").asText()));
            exprs.forEach((where, expr) -> {
                for (String name : metricNames(expr)) {
                    if (name.startsWith("exchange_vss")) {
                        assertThat(known).as(where + " names " + name).contains(name);
                    }
                }
            });
        }

        /** The names in the reference table of docs/metrics.md, with a histogram's series. */
        private Set<String> documentedMetrics() throws IOException {
            Set<String> names = new HashSet<>();
            Matcher m = Pattern.compile("^\\| `(exchange_vss_[a-z0-9_]+)` \\| (\\w+) \\|", Pattern.MULTILINE)
                    .matcher(Files.readString(ROOT.resolve("docs/metrics.md")));
            while (m.find()) {
                names.add(m.group(1));
                if (m.group(2).equals("histogram")) {
                    for (String suffix : List.of("_bucket", "_sum", "_count")) {
                        names.add(m.group(1) + suffix);
                    }
                }
            }
            assertThat(names).as("metrics documented in docs/metrics.md").isNotEmpty();
            return names;
        }
    }
}
