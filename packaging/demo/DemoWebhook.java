import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * The demo's notification receiver: an Alertmanager webhook that prints one line per alert of every notification,
 * with the receiver it was routed to (the last part of the URL path), then the alert's description.
 *
 * <p>Run with the exporter's jar on the class path, for its JSON library:
 * {@code java -cp exchange-vss-exporter.jar packaging/demo/DemoWebhook.java PORT}.
 */
public final class DemoWebhook {
    public static void main(String[] args) throws Exception {
        ObjectMapper json = new ObjectMapper();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 0);
        server.createContext("/", exchange -> {
            JsonNode body = json.readTree(exchange.getRequestBody());
            String receiver = exchange.getRequestURI().getPath().substring(1);
            StringBuilder out = new StringBuilder();
            for (JsonNode alert : body.path("alerts")) {
                JsonNode labels = alert.path("labels");
                out.append(Instant.now()).append(" NOTIFY receiver=").append(receiver)
                        .append(" status=").append(alert.path("status").asText());
                for (String label : new String[] {"alertname", "severity", "computer", "method", "source"}) {
                    if (labels.has(label)) {
                        out.append(' ').append(label).append('=').append(labels.path(label).asText());
                    }
                }
                out.append("\n    ").append(alert.at("/annotations/description").asText()).append('\n');
            }
            System.out.print(out);
            System.out.flush();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        System.out.println("webhook listening on 127.0.0.1:" + args[0]);
    }
}
