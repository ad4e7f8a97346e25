package dev.odometer.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The demo service: a small mail API a seller could list on a marketplace.
 *
 * <ul>
 *   <li>{@code POST /emails} {@code {"to":[...],"subject":"..."}}: billed per recipient;
 *   <li>{@code GET /api/mailboxes/NAME}: billed per request;
 *   <li>{@code PUT /files/NAME} (any bytes): billed per byte stored;
 *   <li>{@code GET /stats}: what the service did, by its own count.
 * </ul>
 *
 * <p>Usage: {@code java -javaagent:odometer-agent.jar=config=odometer.yaml -jar
 * odometer-demo-app.jar [port]}.
 */
public final class DemoServer {
    private final ObjectMapper json = new ObjectMapper();
    private final MailService mail = new MailService();
    private final ApiHandler api = new ApiHandler();
    private final StorageService storage = new StorageService();
    private final HttpServer server;

    DemoServer(int port) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 64);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/emails", this::emails);
        server.createContext("/api/", this::api);
        server.createContext("/files/", this::files);
        server.createContext("/stats", this::stats);
    }

    public static void main(String[] args) throws IOException {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 8090;
        DemoServer demo = new DemoServer(port);
        demo.server.start();
        System.out.println("demo: mail service listening on http://127.0.0.1:"
                + demo.server.getAddress().getPort());
    }

    private void emails(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            respond(exchange, 405, Map.of("error", "use POST"));
            return;
        }
        JsonNode body = json.readTree(exchange.getRequestBody());
        List<String> to = new ArrayList<>();
        body.path("to").forEach(node -> to.add(node.asText()));
        try {
            mail.send(to, body.path("subject").asText(""));
            respond(exchange, 202, Map.of("sent", to.size()));
        } catch (IllegalArgumentException rejected) {
            respond(exchange, 400, Map.of("error", rejected.getMessage()));
        }
    }

    private void api(HttpExchange exchange) throws IOException {
        respond(exchange, 200, api.handle(exchange.getRequestURI().getPath()));
    }

    private void files(HttpExchange exchange) throws IOException {
        if (!"PUT".equals(exchange.getRequestMethod())) {
            respond(exchange, 405, Map.of("error", "use PUT"));
            return;
        }
        String path = exchange.getRequestURI().getPath();
        byte[] content;
        try (InputStream in = exchange.getRequestBody()) {
            content = in.readAllBytes();
        }
        storage.store(path.substring("/files/".length()), content);
        respond(exchange, 201, Map.of("stored", content.length));
    }

    private void stats(HttpExchange exchange) throws IOException {
        Map<String, Long> done = new LinkedHashMap<>();
        done.put("email", mail.recipientsDelivered());
        done.put("request", api.requestsServed());
        done.put("storage", storage.bytesStored());
        respond(exchange, 200, done);
    }

    private void respond(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = json.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
