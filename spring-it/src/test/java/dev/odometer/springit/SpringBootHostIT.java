package dev.odometer.springit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.odometer.emulator.EmulatorSettings;
import dev.odometer.emulator.MarketplaceEmulator;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The shop (a Spring Boot 3 executable jar whose metered beans Spring proxies) runs with the
 * real agent jar, delivering to the emulator; the test drives it over HTTP and stops it with
 * SIGTERM while requests are in flight, which the graceful shutdown lets finish. The emulator's
 * ledger must then equal, per SKU, the units of exactly the requests that were answered 200.
 */
class SpringBootHostIT {
    static final Path AGENT_JAR = Paths.get(System.getProperty("odometer.agentJar",
            "../agent-core/target/odometer-agent.jar")).toAbsolutePath().normalize();
    static final Path APP_JAR = Paths.get(System.getProperty("odometer.springHostJar",
            "target/spring-host.jar")).toAbsolutePath();
    private static final Pattern PORT = Pattern.compile("Tomcat started on port (\\d+)");
    private static final String[] SKU_IDS = {
        "sku-order", "sku-email", "sku-quote", "sku-pages", "sku-search", "sku-thumbnail",
        "sku-export"
    };

    @TempDir
    Path work;

    /** The build JDK and, when installed, the extra ones (as agent-core's forked tests). */
    static Stream<Path> jdks() {
        List<Path> jdks = new ArrayList<>();
        jdks.add(Paths.get(System.getProperty("java.home")));
        for (String home : System.getProperty("odometer.test.extraJdks", "").split("[,:]")) {
            if (!home.isBlank() && Files.isExecutable(Paths.get(home.trim(), "bin", "java"))) {
                jdks.add(Paths.get(home.trim()));
            } else if (!home.isBlank()) {
                System.err.println("note: JDK " + home + " is not installed; not testing on it");
            }
        }
        return jdks.stream();
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("jdks")
    void ledgerEqualsTheUnitsOfTheRequestsThatSucceeded(Path jdk) throws Exception {
        try (MarketplaceEmulator emulator = MarketplaceEmulator.start(EmulatorSettings.defaults()
                .withPort(0).withProduct("shop-product", SKU_IDS)
                .withStaticToken("shop-token"))) {
            Path config = Files.writeString(work.resolve("odometer.yaml"), String.join("\n",
                    "marketplace: yandex",
                    "product_id: shop-product",
                    "endpoint: " + emulator.baseUri(),
                    "auth: {type: token, token: shop-token}",
                    "flush_interval: 200ms",
                    "shutdown_timeout: 20s",
                    "journal_dir: " + work.resolve("journal"),
                    "skus:",
                    "  order: {sku_id: sku-order}",
                    "  email: {sku_id: sku-email}",
                    "  quote: {sku_id: sku-quote}",
                    "  pages: {sku_id: sku-pages}",
                    "  thumbnail: {sku_id: sku-thumbnail}",
                    "  export: {sku_id: sku-export}",
                    "  search:",
                    "    sku_id: sku-search",
                    "    methods:",
                    "      - com.acme.shop.ShopController#search",
                    ""));
            Path stdout = work.resolve("shop-stdout.txt");
            Path stderr = work.resolve("shop-stderr.txt");
            Process shop = new ProcessBuilder(
                    jdk.resolve("bin/java").toString(),
                    "-javaagent:" + AGENT_JAR + "=config=" + config,
                    "-jar", APP_JAR.toString())
                    .directory(work.toFile())
                    .redirectOutput(stdout.toFile())
                    .redirectError(stderr.toFile())
                    .start();
            try {
                int port = await().atMost(Duration.ofSeconds(90))
                        .until(() -> port(stdout, shop), p -> p > 0);
                ShopClient client = new ShopClient(port);

                traffic(client);
                List<CompletableFuture<HttpResponse<String>>> exports = List.of(
                        client.export(10), client.export(20), client.export(30));
                await().atMost(Duration.ofSeconds(30))
                        .until(client::exportsWaiting, waiting -> waiting != null && waiting == 3);

                shop.destroy(); // SIGTERM, the three exports in flight
                // requests after SIGTERM: refused, or served and answered; billed only if 200
                client.order(100).join();
                client.search("late").join();
                assertThat(shop.waitFor(90, TimeUnit.SECONDS))
                        .as("the shop stopped; %s", output(stdout, stderr)).isTrue();

                assertThat(exports).as("graceful shutdown finished the requests in flight")
                        .allSatisfy(export -> assertThat(export.join()).isNotNull()
                                .extracting(HttpResponse::statusCode).isEqualTo(200));
                Map<String, Long> succeeded = withoutZeros(client.succeededUnits());
                System.out.println("[spring-it] " + jdk.getFileName() + ": done (answered 200) "
                        + new java.util.TreeMap<>(succeeded) + ", billed "
                        + new java.util.TreeMap<>(emulator.ledger().totalsBySku()));
                assertThat(succeeded).containsKeys(SKU_IDS);
                assertThat(emulator.ledger().totalsBySku())
                        .as("billed per SKU vs the units of the requests answered 200; %s",
                                output(stdout, stderr))
                        .isEqualTo(succeeded);
                assertThat(emulator.ledger().rejectionsByReason()).isEmpty();
                assertThat(agentLines(stdout, stderr))
                        .noneMatch(line -> line.contains("could not instrument"));
            } finally {
                shop.destroyForcibly();
            }
        }
    }

    /** Requests to every metered bean, many at once; the cached quotes one after another. */
    private static void traffic(ShopClient client) {
        List<CompletableFuture<HttpResponse<String>>> requests = new ArrayList<>();
        for (int items = 1; items <= 5; items++) {
            requests.add(client.order(items));
        }
        requests.add(client.newsletter(3));
        requests.add(client.newsletter(4));
        for (int i = 0; i < 4; i++) {
            requests.add(client.search("q" + i));
        }
        requests.add(client.report(2));
        requests.add(client.report(5));
        requests.add(client.thumbnails(3, false));
        requests.add(client.thumbnails(4, false));
        CompletableFuture<HttpResponse<String>> failing = client.thumbnails(10, true);
        CompletableFuture.allOf(requests.toArray(new CompletableFuture<?>[0])).join();
        assertThat(requests).allSatisfy(request -> assertThat(request.join()).isNotNull()
                .extracting(HttpResponse::statusCode).isEqualTo(200));
        assertThat(failing.join().statusCode()).as("a failed async rendering").isEqualTo(500);

        for (String product : new String[] {"apple", "apple", "pear", "apple", "plum", "pear"}) {
            assertThat(client.quote(product).statusCode()).isEqualTo(200);
        }
    }

    private static int port(Path stdout, Process shop) throws IOException {
        if (!shop.isAlive()) {
            throw new IllegalStateException("the shop exited with " + shop.exitValue() + ": "
                    + Files.readString(stdout, StandardCharsets.UTF_8));
        }
        Matcher m = PORT.matcher(Files.readString(stdout, StandardCharsets.UTF_8));
        return m.find() ? Integer.parseInt(m.group(1)) : -1;
    }

    private static Map<String, Long> withoutZeros(Map<String, Long> units) {
        return units.entrySet().stream().filter(e -> e.getValue() != 0)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, Long::sum,
                        TreeMap::new));
    }

    private static List<String> agentLines(Path stdout, Path stderr) throws IOException {
        String out = Files.readString(stdout, StandardCharsets.UTF_8);
        String err = Files.readString(stderr, StandardCharsets.UTF_8);
        return Stream.of(out.split("\n"), err.split("\n")).flatMap(Stream::of)
                .filter(line -> line.contains("[odometer]"))
                .collect(Collectors.toList());
    }

    /** The agent's lines and the shop's last lines, for a failure message. */
    private static String output(Path stdout, Path stderr) throws IOException {
        return "agent lines:\n" + String.join("\n", agentLines(stdout, stderr))
                + "\n--- shop stdout (" + stdout + ") ends:\n"
                + tail(Files.readString(stdout, StandardCharsets.UTF_8))
                + "\n--- stderr ends:\n" + tail(Files.readString(stderr, StandardCharsets.UTF_8));
    }

    private static String tail(String text) {
        return text.length() <= 4000 ? text : text.substring(text.length() - 4000);
    }
}
