package dev.odometer.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The README's demo, end to end: starts the marketplace emulator, starts the demo service with
 * the Odometer agent, sends it a burst of traffic, stops it the way an orchestrator would
 * (SIGTERM), and prints per SKU what the service did against what the marketplace billed.
 *
 * <p>With {@code --replicas N}, N replicas of the service share one PostgreSQL ({@code cluster:}
 * in their config), each with a journal of its own, behind a round-robin "load balancer": one
 * bill for all of them.
 *
 * <p>Options: {@code --seconds N} (traffic duration, default 10), {@code --no-wait} (do not keep
 * the emulator up for the dashboard afterwards), {@code --root DIR} (the checkout).
 * Exit code 0 when billed equals done for every SKU.
 */
public final class DemoRunner {
    static final Map<String, String> SKU_IDS = new LinkedHashMap<>();

    static {
        SKU_IDS.put("email", "sku-email");
        SKU_IDS.put("request", "sku-request");
        SKU_IDS.put("storage", "sku-storage");
    }

    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Path root;
    private final Path out;

    DemoRunner(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.out = this.root.resolve("demo-out");
    }

    public static void main(String[] args) throws Exception {
        int seconds = 10;
        int replicas = 0;
        boolean wait = System.console() != null;
        Path root = Paths.get("").toAbsolutePath();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--no-wait" -> wait = false;
                case "--root" -> root = Paths.get(args[++i]).toAbsolutePath();
                case "--replicas" -> replicas = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: DemoRunner [--seconds N] [--replicas N] [--no-wait] "
                            + "[--root DIR]");
                    System.exit(2);
                }
            }
        }
        DemoRunner runner = new DemoRunner(root);
        System.exit(replicas > 0 ? runner.runReplicas(seconds, wait, replicas)
                : runner.run(seconds, wait));
    }

    int run(int seconds, boolean waitForDashboard) throws Exception {
        Files.createDirectories(out);
        // a fresh journal: this run's table compares this run's work with this run's billing
        deleteRecursively(out.resolve("journal"));
        Path agentJar = jar("agent-core/target/odometer-agent.jar");
        Path emulatorJar = jar("emulator/target/odometer-emulator.jar");
        Path appJar = jar("demo-app/target/odometer-demo-app.jar");
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();

        int emulatorPort = freePort();
        Process emulator = start("emulator", List.of(java, "-jar", emulatorJar.toString(),
                "--port", String.valueOf(emulatorPort)), Map.of());
        Process app = null;
        try {
            awaitLine(out.resolve("emulator.log"), "listening on", emulator);
            URI marketplace = URI.create("http://127.0.0.1:" + emulatorPort);
            step("marketplace emulator up at " + marketplace);

            Path config = writeConfig(marketplace);
            int appPort = freePort();
            app = start("app", List.of(java, "-javaagent:" + agentJar + "=config=" + config,
                    "-jar", appJar.toString(), String.valueOf(appPort)),
                    Map.of("ODOMETER_DEMO_TOKEN", "demo-token"));
            awaitLine(out.resolve("app.log"), "listening on", app);
            URI service = URI.create("http://127.0.0.1:" + appPort);
            step("demo mail service up at " + service + ", metered by the Odometer agent ("
                    + root.relativize(config) + ")");

            step("sending traffic for " + seconds + " s: emails (some with a bad address, "
                    + "which are not billed), API calls, file uploads");
            long requests = traffic(service, Duration.ofSeconds(seconds));
            Map<String, Long> done = longs(get(service.resolve("/stats")));
            step(requests + " requests sent; stopping the service with SIGTERM, as an "
                    + "orchestrator would (the agent delivers what is left on the way out)");
            app.destroy();
            if (!app.waitFor(60, TimeUnit.SECONDS)) {
                app.destroyForcibly();
                throw new IllegalStateException("the demo service did not stop; see " + out);
            }

            return report(done, marketplace, "app.log", waitForDashboard);
        } finally {
            if (app != null) {
                app.destroyForcibly();
            }
            emulator.destroy();
            emulator.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * The same demo with {@code replicas} replicas of the service behind one database: the
     * traffic goes round-robin to them, they are stopped one after another (the last one out
     * delivers what waits), and billed is compared with what they all did.
     */
    int runReplicas(int seconds, boolean waitForDashboard, int replicas) throws Exception {
        Files.createDirectories(out);
        Path agentJar = jar("agent-core/target/odometer-agent.jar");
        Path emulatorJar = jar("emulator/target/odometer-emulator.jar");
        Path appJar = jar("demo-app/target/odometer-demo-app.jar");
        Path databaseLibs = root.resolve("demo-app/target/demo-db");
        if (!Files.isDirectory(databaseLibs)) {
            throw new IllegalStateException(databaseLibs + " is missing: build first with "
                    + "mvn -DskipTests package");
        }
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        int emulatorPort = freePort();
        Process emulator = start("emulator", List.of(java, "-jar", emulatorJar.toString(),
                "--port", String.valueOf(emulatorPort)), Map.of());
        Process database = null;
        List<Process> apps = new ArrayList<>();
        try {
            awaitLine(out.resolve("emulator.log"), "listening on", emulator);
            URI marketplace = URI.create("http://127.0.0.1:" + emulatorPort);
            step("marketplace emulator up at " + marketplace);

            database = start("database", List.of(java, "-cp", appJar + File.pathSeparator
                    + databaseLibs.resolve("*"), DemoDatabase.class.getName(),
                    out.resolve("database").toString()), Map.of());
            int databasePort = Integer.parseInt(awaitLine(out.resolve("database.log"),
                    "database listening on", database).replaceAll("\\D+", ""));
            String url = "jdbc:postgresql://127.0.0.1:" + databasePort + "/postgres";
            step("PostgreSQL up at " + url + " (the product's own database, which the replicas "
                    + "share as their record store)");

            List<URI> services = new ArrayList<>();
            for (int k = 1; k <= replicas; k++) {
                String node = "replica-" + k;
                deleteRecursively(out.resolve(node));
                Path config = writeReplicaConfig(marketplace, node, url);
                int appPort = freePort();
                Process app = start(node, List.of(java, "-javaagent:" + agentJar + "=config="
                        + config, "-jar", appJar.toString(), String.valueOf(appPort)),
                        Map.of("ODOMETER_DEMO_TOKEN", "demo-token"));
                apps.add(app);
                awaitLine(out.resolve(node + ".log"), "listening on", app);
                services.add(URI.create("http://127.0.0.1:" + appPort));
            }
            step(replicas + " replicas of the demo mail service up at " + services + ", each "
                    + "with the agent and a journal of its own (" + root.relativize(out)
                    + "/replica-K/)");
            step("sending traffic for " + seconds + " s, round-robin over the replicas");
            long requests = traffic(services, Duration.ofSeconds(seconds));
            Map<String, Long> done = new LinkedHashMap<>();
            List<Map<String, Long>> served = new ArrayList<>();
            for (URI service : services) {
                Map<String, Long> one = longs(get(service.resolve("/stats")));
                one.forEach((sku, units) -> done.merge(sku, units, Long::sum));
                served.add(one);
            }
            step(requests + " requests sent; stopping the replicas with SIGTERM one after "
                    + "another, as a rolling scale-in would (the last one out delivers what "
                    + "waits)");
            for (int k = 0; k < apps.size(); k++) {
                Process app = apps.get(k);
                app.destroy();
                if (!app.waitFor(60, TimeUnit.SECONDS)) {
                    app.destroyForcibly();
                    throw new IllegalStateException("replica-" + (k + 1) + " did not stop; see "
                            + out);
                }
            }
            for (int k = 1; k <= replicas; k++) {
                String log = Files.readString(out.resolve("replica-" + k + ".log"));
                System.out.printf("  replica-%d did %s; %s%n", k,
                        served.get(k - 1), log.contains("delivers for the cluster now")
                        || log.contains("delivers what waits before it stops")
                        ? "delivered for the cluster for a while" : "forwarded its records only");
            }
            return report(done, marketplace, "replica-K.log", waitForDashboard);
        } finally {
            for (Process app : apps) {
                app.destroyForcibly();
            }
            if (database != null) {
                database.getOutputStream().close(); // it stops when its input closes
                if (!database.waitFor(30, TimeUnit.SECONDS)) {
                    database.destroyForcibly();
                }
            }
            emulator.destroy();
            emulator.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Prints billed against done and where to look; 0 when they are equal. */
    private int report(Map<String, Long> done, URI marketplace, String appLog,
                       boolean waitForDashboard) throws IOException, InterruptedException {
        JsonNode ledger = get(marketplace.resolve("/ledger"));
        boolean exact = printTable(done, ledger.path("totalsBySku"));
        System.out.println();
        System.out.println("Logs: " + root.relativize(out) + "/" + appLog + " (agent lines start "
                + "with [odometer]), " + root.relativize(out) + "/emulator.log");
        if (waitForDashboard) {
            System.out.println("Dashboard: " + marketplace + "/   (press Enter to stop the "
                    + "emulator)");
            System.in.read();
        } else {
            System.out.println("Dashboard: " + marketplace + "/ while the emulator runs "
                    + "(run the demo in a terminal to keep it up)");
        }
        return exact ? 0 : 1;
    }

    private Path writeReplicaConfig(URI marketplace, String node, String url) throws IOException {
        Path template = root.resolve("demo-app/odometer-demo.yaml");
        String text = Files.readString(template, StandardCharsets.UTF_8)
                .replace("http://127.0.0.1:8080", marketplace.toString())
                .replace("journal_dir: demo-out/journal", "journal_dir: "
                        + out.resolve(node).resolve("journal"))
                + String.join("\n", "cluster:", "  postgres:", "    url: " + url,
                "    user: postgres", "    schema: demo", "  node_id: " + node, "");
        Path config = out.resolve(node).resolve("odometer-demo.yaml");
        Files.createDirectories(config.getParent());
        Files.writeString(config, text, StandardCharsets.UTF_8);
        return config;
    }

    private Path writeConfig(URI marketplace) throws IOException {
        Path template = root.resolve("demo-app/odometer-demo.yaml");
        String text = Files.readString(template, StandardCharsets.UTF_8)
                .replace("http://127.0.0.1:8080", marketplace.toString())
                .replace("journal_dir: demo-out/journal", "journal_dir: "
                        + out.resolve("journal"));
        Path config = out.resolve("odometer-demo.yaml");
        Files.writeString(config, text, StandardCharsets.UTF_8);
        return config;
    }

    private long traffic(URI service, Duration duration) throws InterruptedException {
        return traffic(List.of(service), duration);
    }

    /** Four clients; each request goes to the next service in turn, like a load balancer. */
    private long traffic(List<URI> services, Duration duration) throws InterruptedException {
        AtomicLong turn = new AtomicLong();
        AtomicLong sent = new AtomicLong();
        long end = System.nanoTime() + duration.toNanos();
        ExecutorService clients = Executors.newFixedThreadPool(4);
        for (int c = 0; c < 4; c++) {
            Random random = new Random(c);
            clients.submit(() -> {
                while (System.nanoTime() < end) {
                    try {
                        URI service = services.get((int) (turn.getAndIncrement()
                                % services.size()));
                        oneRequest(service, random);
                        sent.incrementAndGet();
                    } catch (IOException e) {
                        System.err.println("demo: request failed: " + e);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            });
        }
        clients.shutdown();
        clients.awaitTermination(duration.toSeconds() + 30, TimeUnit.SECONDS);
        return sent.get();
    }

    private void oneRequest(URI service, Random random) throws IOException, InterruptedException {
        int pick = random.nextInt(10);
        HttpRequest request;
        if (pick < 5) {
            List<String> to = new ArrayList<>();
            int recipients = 1 + random.nextInt(5);
            for (int i = 0; i < recipients; i++) {
                to.add(random.nextInt(12) == 0 ? "not-an-address" : "user" + random.nextInt(1000)
                        + "@example.com");
            }
            Map<String, Object> body = Map.of("to", to, "subject", "Your invoice");
            request = HttpRequest.newBuilder(service.resolve("/emails"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)))
                    .build();
        } else if (pick < 9) {
            request = HttpRequest.newBuilder(service.resolve("/api/mailboxes/box"
                    + random.nextInt(100))).GET().build();
        } else {
            byte[] file = new byte[1 + random.nextInt(64 * 1024)];
            random.nextBytes(file);
            request = HttpRequest.newBuilder(service.resolve("/files/f" + random.nextInt(1000)))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(file)).build();
        }
        http.send(request, HttpResponse.BodyHandlers.discarding());
    }

    private boolean printTable(Map<String, Long> done, JsonNode billedBySku) {
        System.out.println();
        System.out.println("What the service did vs what the marketplace billed:");
        System.out.printf("  %-9s %-12s %14s %14s%n", "SKU", "sku id", "done", "billed");
        boolean exact = true;
        for (Map.Entry<String, String> sku : SKU_IDS.entrySet()) {
            long did = done.getOrDefault(sku.getKey(), 0L);
            long billed = billedBySku.path(sku.getValue()).asLong(0);
            boolean same = did == billed;
            exact &= same;
            System.out.printf("  %-9s %-12s %14d %14d   %s%n", sku.getKey(), sku.getValue(), did,
                    billed, same ? "billed == done" : "MISMATCH");
        }
        System.out.println(exact ? "Every unit the service did was billed exactly once."
                : "Billing does not match: see the logs in " + out);
        return exact;
    }

    private Process start(String name, List<String> command, Map<String, String> env)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(root.toFile())
                .redirectErrorStream(true)
                .redirectOutput(out.resolve(name + ".log").toFile());
        builder.environment().putAll(env);
        return builder.start();
    }

    private static String awaitLine(Path log, String marker, Process process)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (Files.exists(log)) {
                for (String line : Files.readAllLines(log)) {
                    if (line.contains(marker)) {
                        return line;
                    }
                }
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("process exited; see " + log);
            }
            Thread.sleep(50); // polling another process's log; nothing to wait on directly
        }
        throw new IllegalStateException("not ready after 60 s; see " + log);
    }

    private JsonNode get(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        return json.readTree(response.body());
    }

    private static Map<String, Long> longs(JsonNode node) {
        Map<String, Long> values = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> values.put(e.getKey(), e.getValue().asLong()));
        return values;
    }

    private Path jar(String relative) {
        Path jar = root.resolve(relative);
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build first with "
                    + "mvn -DskipTests package");
        }
        return jar;
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (var paths = Files.walk(directory)) {
            for (Path path : (Iterable<Path>) paths.sorted(java.util.Comparator.reverseOrder())::iterator) {
                Files.delete(path);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void step(String message) {
        System.out.println("demo: " + message);
    }
}
