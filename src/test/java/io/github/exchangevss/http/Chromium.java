package io.github.exchangevss.http;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A headless Debian Chromium driven over the DevTools protocol with the JDK's WebSocket client: navigate, run
 * JavaScript in the page, take a screenshot. Every wait is bounded; {@link #close} kills the browser and removes
 * its fresh profile.
 */
final class Chromium implements AutoCloseable {
    private static final Path EXECUTABLE = Path.of("/usr/bin/chromium");
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path profile;
    private final Path output;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    /** Starts Chromium; skips the test when it is not installed, fails instead under CI ({@code CI=true}). */
    static Chromium start() throws Exception {
        if (!Files.isExecutable(EXECUTABLE)) {
            String message = EXECUTABLE + " is missing: install the Debian package chromium";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                fail(message);
            }
            Assumptions.abort(message);
        }
        return new Chromium();
    }

    private Chromium() throws Exception {
        profile = Files.createTempDirectory("chromium-profile");
        output = Files.createTempFile("chromium", ".log");
        // Root needs --no-sandbox; the rest keeps a CI browser from phoning home or updating itself.
        process = new ProcessBuilder(EXECUTABLE.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--user-data-dir=" + profile, "--remote-debugging-port=0",
                "--remote-allow-origins=*", "--window-size=1366,900", "--hide-scrollbars", "about:blank")
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            int port = devToolsPort();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            String pageSocket = null;
            for (JsonNode target : JSON.readTree(http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/json/list")).timeout(WAIT).build(),
                    HttpResponse.BodyHandlers.ofString()).body())) {
                if (target.path("type").asText().equals("page")) {
                    pageSocket = target.path("webSocketDebuggerUrl").asText();
                }
            }
            if (pageSocket == null) {
                throw new IllegalStateException("Chromium opened no page:\n" + log());
            }
            socket = http.newWebSocketBuilder().connectTimeout(WAIT).buildAsync(URI.create(pageSocket), new Replies())
                    .get(WAIT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            close();
            throw e;
        }
    }

    /** Chromium writes the port it chose into the profile once it listens. */
    private int devToolsPort() throws Exception {
        Path activePort = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Chromium exited with " + process.exitValue() + ":\n" + log());
            }
            if (Files.exists(activePort)) {
                List<String> lines = Files.readAllLines(activePort);
                if (!lines.isEmpty() && !lines.get(0).isBlank()) {
                    return Integer.parseInt(lines.get(0).trim());
                }
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("Chromium did not open its DevTools port within " + WAIT + ":\n" + log());
    }

    String log() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** Sends one DevTools command and returns its result. */
    JsonNode send(String method, Map<String, Object> params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> reply = new CompletableFuture<>();
        pending.put(id, reply);
        ObjectNode command = JSON.createObjectNode().put("id", id).put("method", method);
        command.set("params", JSON.valueToTree(params));
        socket.sendText(JSON.writeValueAsString(command), true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        JsonNode answer = reply.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        if (answer.has("error")) {
            throw new IllegalStateException(method + " failed: " + answer.get("error"));
        }
        return answer.path("result");
    }

    /** The value of a JavaScript expression in the page (a promise is awaited), as JSON. */
    JsonNode evaluate(String expression) throws Exception {
        JsonNode result = send("Runtime.evaluate",
                Map.of("expression", expression, "returnByValue", true, "awaitPromise", true));
        if (result.has("exceptionDetails")) {
            throw new IllegalStateException("the page threw on " + expression + ": " + result.get("exceptionDetails"));
        }
        return result.path("result").path("value");
    }

    /** Waits until the expression's value passes {@code done}, and returns it. */
    JsonNode awaitValue(String expression, Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode value = null;
        while (System.nanoTime() < deadline) {
            try {
                value = evaluate(expression);
                if (done.test(value)) {
                    return value;
                }
            } catch (IllegalStateException navigating) {
                value = null; // the page was replaced while the expression ran: ask the new one
            }
            Thread.sleep(100);
        }
        throw new AssertionError("within " + WAIT + ", " + expression + " stayed " + value);
    }

    /** Opens a URL and waits until it has loaded. */
    void open(String url) throws Exception {
        send("Page.navigate", Map.of("url", url));
        awaitLoaded(url::equals);
    }

    /** Waits for a page whose address passes {@code address} to finish loading. */
    void awaitLoaded(Predicate<String> address) throws Exception {
        awaitValue("document.readyState === 'complete' ? location.href : ''",
                v -> v.isTextual() && !v.asText().isEmpty() && address.test(v.asText()));
    }

    byte[] screenshot() throws Exception {
        return Base64.getDecoder().decode(send("Page.captureScreenshot", Map.of("format", "png")).path("data").asText());
    }

    @Override
    public void close() throws Exception {
        if (socket != null) {
            socket.abort();
        }
        // The renderer and helper processes may still write into the profile after the browser's own exit.
        List<ProcessHandle> helpers = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (ProcessHandle helper : helpers) {
            helper.destroyForcibly();
            helper.onExit().get(10, TimeUnit.SECONDS);
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(profile)) {
            walk.sorted(Comparator.reverseOrder()).forEach(files::add);
        }
        for (Path file : files) {
            Files.deleteIfExists(file);
        }
        Files.deleteIfExists(output);
    }

    /** Joins the frames of each message and completes the command it answers; events are ignored. */
    private final class Replies implements WebSocket.Listener {
        private final StringBuilder message = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            message.append(data);
            if (last) {
                try {
                    JsonNode reply = JSON.readTree(message.toString());
                    CompletableFuture<JsonNode> waiting = reply.has("id") ? pending.remove(reply.get("id").asInt()) : null;
                    if (waiting != null) {
                        waiting.complete(reply);
                    }
                } catch (IOException e) {
                    pending.values().forEach(p -> p.completeExceptionally(e));
                }
                message.setLength(0);
            }
            webSocket.request(1);
            return null;
        }
    }
}
