package io.github.exchangevss.monitoring;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The monitoring files of the project (rules, rule tests, Alertmanager example, dashboard) and the tools that check them. */
final class MonitoringContent {
    static final Path ROOT = Path.of(System.getProperty("project.root", ".")).toAbsolutePath().normalize();
    static final Path RULES = ROOT.resolve("alerts/exchange-vss.rules.yml");
    static final Path RULE_TESTS = ROOT.resolve("alerts/tests");
    static final Path ALERTMANAGER = ROOT.resolve("alerts/alertmanager.yml");
    static final Path DASHBOARD = ROOT.resolve("grafana/dashboards/exchange-vss.json");
    static final Path RUNBOOKS = ROOT.resolve("docs/runbooks");
    /** The exporter that raised the alert serves the runbooks (alerts/README.md says how to point elsewhere). */
    static final String RUNBOOK_BASE = "http://{{ $labels.instance }}/runbooks/";

    /** Metric names: exporter series, the rules' recording rules, JVM series. */
    private static final Pattern METRIC = Pattern.compile("\\b(exchange_vss[a-z0-9_:]*|jvm_[a-z0-9_]+|up(?=\\{))");
    private static final ObjectMapper JSON = new ObjectMapper();

    private MonitoringContent() {}

    /** YAML through SnakeYAML's safe loader: unlike Jackson's YAML parser it resolves anchors and aliases. */
    static JsonNode yaml(Path file) throws IOException {
        try (Reader reader = Files.newBufferedReader(file)) {
            Object tree = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
            return JSON.valueToTree(tree);
        }
    }

    static JsonNode dashboard() throws IOException {
        return JSON.readTree(DASHBOARD.toFile());
    }

    static List<JsonNode> rules() throws IOException {
        List<JsonNode> rules = new ArrayList<>();
        yaml(RULES).path("groups").forEach(g -> g.path("rules").forEach(rules::add));
        return rules;
    }

    static List<Path> ruleTestFiles() throws IOException {
        try (Stream<Path> files = Files.list(RULE_TESTS)) {
            return files.filter(f -> f.toString().endsWith(".yml")).sorted().toList();
        }
    }

    /** Every panel of the dashboard, rows included, in order. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        dashboard.path("panels").forEach(p -> {
            panels.add(p);
            p.path("panels").forEach(panels::add);
        });
        return panels;
    }

    /** Every PromQL expression of the dashboard: panel targets and annotations, with their variables replaced. */
    static Map<String, String> dashboardExpressions(JsonNode dashboard, Map<String, String> variables) {
        Map<String, String> exprs = new LinkedHashMap<>();
        for (JsonNode panel : panels(dashboard)) {
            panel.path("targets").forEach(t -> exprs.put(
                    "panel '" + panel.path("title").asText() + "' query " + t.path("refId").asText(),
                    substitute(t.path("expr").asText(), variables)));
        }
        dashboard.path("annotations").path("list").forEach(a -> {
            if (a.has("expr")) {
                exprs.put("annotation '" + a.path("name").asText() + "'", substitute(a.path("expr").asText(), variables));
            }
        });
        return exprs;
    }

    static String substitute(String expr, Map<String, String> variables) {
        String result = expr;
        for (Map.Entry<String, String> v : variables.entrySet()) {
            result = result.replace("$" + v.getKey(), v.getValue());
        }
        return result;
    }

    /** The metric names an expression selects (a heuristic on names with the project's prefixes). */
    static Set<String> metricNames(String expr) {
        Set<String> names = new LinkedHashSet<>();
        Matcher m = METRIC.matcher(expr.replaceAll("\"[^\"]*\"", "\"\""));
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /**
     * Finds a tool of the Prometheus Debian packages on PATH. When it is missing the test fails under CI
     * ({@code CI=true}) and is skipped elsewhere, naming the package to install.
     */
    static Path requireTool(String binary, String debianPackage) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(dir, binary);
            if (!dir.isEmpty() && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        String message = binary + " is not on PATH: install the Debian package " + debianPackage
                + " (apt-get install -y prometheus prometheus-alertmanager)";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(message);
        }
        Assumptions.abort(message);
        return null;
    }

    /** Runs a command to completion (at most two minutes) and returns its exit code and combined output. */
    static ToolResult run(List<String> command) throws IOException, InterruptedException {
        Path output = Files.createTempFile("monitoring-tool", ".out");
        try {
            Process process = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                fail(String.join(" ", command) + " did not finish within two minutes");
            }
            return new ToolResult(process.exitValue(), Files.readString(output));
        } finally {
            Files.deleteIfExists(output);
        }
    }

    record ToolResult(int exitCode, String output) {}
}
