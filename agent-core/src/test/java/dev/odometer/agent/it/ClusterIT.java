package dev.odometer.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.acme.app.PhasedApp;
import com.acme.app.SteadyApp;
import dev.odometer.emulator.EmulatorSettings;
import dev.odometer.emulator.FaultSettings;
import dev.odometer.emulator.Ledger;
import dev.odometer.emulator.MarketplaceEmulator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Replicas: three agent JVMs, each with a journal of its own (a container's disk), share one
 * real PostgreSQL ({@code cluster:}) and the emulator. One bill, whoever seals and whoever
 * delivers: Azure's hour is one event with every node's sum; a delivering node killed in the
 * middle of a batch, its disk gone, is replaced; the database down for a minute loses nothing;
 * nodes come and go while traffic runs.
 */
class ClusterIT {
    private static final Pattern PROGRESS = Pattern.compile("t=(\\d+) calls=(\\d+)");
    private static final Pattern PAUSED = Pattern.compile("PAUSED request=(\\d+) email=(\\d+)");
    private static final Duration FLUSH = Duration.ofMillis(100);
    private static int schemas;

    private static Path dataDir;
    private static ClusterDatabase database;

    @TempDir
    Path work;

    private MarketplaceEmulator emulator;
    private String schema;
    /** With Azure: the agents' clock offset file, and the first hour's start. */
    private Path offsetFile;
    private Duration offset;
    private Instant hour;
    private final List<Process> processes = new ArrayList<>();

    @BeforeAll
    static void startDatabase() throws Exception {
        dataDir = Files.createTempDirectory("odometer-cluster-pg");
        database = ClusterDatabase.start(dataDir);
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        database.close();
        try (Stream<Path> files = Files.walk(dataDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @AfterEach
    void stopAll() {
        processes.forEach(Process::destroyForcibly);
        if (emulator != null) {
            emulator.close();
        }
    }

    private void newCluster(EmulatorSettings settings) throws IOException {
        emulator = MarketplaceEmulator.start(settings.withPort(0));
        schema = "cluster_it_" + (++schemas);
    }

    private void newCluster(String marketplace) throws IOException {
        if (!marketplace.equals("azure")) {
            newCluster(EmulatorSettings.defaults());
            return;
        }
        // both clocks five minutes into an hour; the test moves them an hour on, no waiting
        Instant now = Instant.now();
        hour = now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        offset = Duration.between(now, hour.plus(Duration.ofMinutes(5)))
                .truncatedTo(ChronoUnit.SECONDS);
        newCluster(EmulatorSettings.defaults().withClockOffset(offset));
        offsetFile = Files.writeString(work.resolve("clock-offset"),
                String.valueOf(offset.getSeconds()));
    }

    private boolean azure() {
        return offsetFile != null;
    }

    /**
     * Azure bills an hour once it has closed: once every node's {@code units} are in the
     * database, both clocks move an hour on. Nothing to do for Yandex.
     */
    private void closeTheHour(long units, Map<String, ForkedJvm.Started> nodes) throws Exception {
        if (!azure()) {
            return;
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                database.sealedUnits(schema, "request")).as("%s", output(nodes))
                .isEqualTo(units));
        emulator.clock().advance(Duration.ofHours(1));
        Files.writeString(offsetFile, String.valueOf(offset.plus(Duration.ofHours(1))
                .getSeconds()));
    }

    // ---------------------------------------------------------------- Yandex

    private Path yandexConfig(String node) throws IOException {
        return Files.writeString(work.resolve(node + ".yaml"), String.join("\n",
                "marketplace: yandex",
                "product_id: demo-product",
                "endpoint: " + emulator.baseUri(),
                "auth: {type: token, token: demo-token}",
                "flush_interval: " + FLUSH.toMillis() + "ms",
                "journal_dir: " + journalOf(node),
                "validate_on_start: false",
                "skus:",
                "  request: {sku_id: sku-request}",
                database.clusterSection(schema, node), ""));
    }

    private Path journalOf(String node) {
        return work.resolve(node).resolve("journal");
    }

    private ForkedJvm.Started steady(Path jdk, String node) throws IOException {
        ForkedJvm jvm = ForkedJvm.on(jdk);
        if (azure()) {
            jvm.withAgent(azureConfig(node, "  request: {dimension: request}"))
                    .jvmArg("-Dodometer.testing.clockOffsetFile=" + offsetFile)
                    .env("ODOMETER_TEST_SECRET", "demo-secret");
        } else {
            jvm.withAgent(yandexConfig(node));
        }
        ForkedJvm.Started app = jvm.main(SteadyApp.class).start(work.resolve(node));
        processes.add(app.process);
        return app;
    }

    /** Units billed for the request SKU (Yandex), or in its accepted events (Azure). */
    private long billed() {
        if (azure()) {
            return emulator.ledger().azureEvents().stream()
                    .filter(event -> event.dimension().equals("request"))
                    .mapToLong(event -> event.quantity().longValueExact()).sum();
        }
        return emulator.ledger().totalForSku("sku-request");
    }

    private String leader() throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> database.leaseHolder(schema) != null);
        return database.leaseHolder(schema);
    }

    /** Starts a node per name on the build JDK and waits until each is making calls. */
    private Map<String, ForkedJvm.Started> working(String... names) throws Exception {
        Path jdk = Paths.get(System.getProperty("java.home"));
        Map<String, ForkedJvm.Started> nodes = new LinkedHashMap<>();
        for (String node : names) {
            nodes.put(node, steady(jdk, node));
        }
        for (ForkedJvm.Started app : nodes.values()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> app.stdoutText().contains("calls="));
        }
        return nodes;
    }

    private static String output(Map<String, ForkedJvm.Started> nodes) throws IOException {
        StringBuilder text = new StringBuilder();
        for (Map.Entry<String, ForkedJvm.Started> node : nodes.entrySet()) {
            text.append("\n--- ").append(node.getKey()).append(" stderr\n")
                    .append(node.getValue().stderrText());
        }
        return text.toString();
    }

    @Test
    void killNineOfTheDeliveringNodeMidBatchWithItsDiskGoneAnotherNodeFinishesTheWork()
            throws Exception {
        newCluster(EmulatorSettings.defaults());
        Map<String, ForkedJvm.Started> nodes = working("n1", "n2", "n3");
        String leader = leader();
        await().atMost(Duration.ofSeconds(60)).until(() -> billed() > 0);
        // the leader has worked for a while: some of its records are surely forwarded
        ForkedJvm.Started working = nodes.get(leader);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                firstProgressAt(working.stdoutText()) < System.currentTimeMillis() - 4000);

        // every request now hangs for 3 s: the leader is killed with one in flight
        emulator.faults().set(FaultSettings.none().withLatencyMs(3000));
        await().atMost(Duration.ofSeconds(30)).until(() ->
                emulator.meteringRequestsInFlight() > 0);
        ForkedJvm.Started killed = nodes.remove(leader);
        long killedAt = System.currentTimeMillis();
        killed.process.destroyForcibly(); // SIGKILL
        killed.process.waitFor();
        deleteRecursively(journalOf(leader)); // the container's disk dies with it
        emulator.faults().set(FaultSettings.none());

        long lastPrinted = 0;
        long surelyForwarded = 0;
        Matcher m = PROGRESS.matcher(killed.stdoutText());
        while (m.find()) {
            long at = Long.parseLong(m.group(1));
            lastPrinted = Long.parseLong(m.group(2));
            // a window and generous slack before the kill: sealed, journaled and forwarded
            if (at <= killedAt - FLUSH.toMillis() - 2000) {
                surelyForwarded = lastPrinted;
            }
        }
        long survivors = 0;
        for (ForkedJvm.Started app : nodes.values()) {
            survivors += app.stopCalls();
        }
        long lower = surelyForwarded + survivors;
        // the lease of the killed node runs out (45 s), then another node delivers it all,
        // the killed node's open attempt too (in doubt: sent again under the same uuids)
        await().atMost(Duration.ofSeconds(90)).until(() ->
                nodes.containsKey(database.leaseHolder(schema)));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                database.pendingRecords(schema)).as("%s", output(nodes)).isZero());
        assertThat(billed()).as("a survivor delivers what the killed node forwarded")
                .isGreaterThanOrEqualTo(lower);
        // the followers stop first (their last records go to the database), the leader last
        String holder = database.leaseHolder(schema);
        for (Map.Entry<String, ForkedJvm.Started> node : nodes.entrySet()) {
            if (!node.getKey().equals(holder)) {
                node.getValue().process.destroy();
                node.getValue().await();
            }
        }
        nodes.get(holder).process.destroy();
        ForkedJvm.Result last = nodes.get(holder).await();

        assertThat(billed()).as("never billed twice: %s", last)
                .isLessThanOrEqualTo(lastPrinted + SteadyApp.STEP + survivors)
                .isGreaterThanOrEqualTo(lower);
        assertThat(surelyForwarded).as("the kill came after real work (killed at %s, printed "
                + "up to %s calls): %s", killedAt, lastPrinted, tail(killed.stdoutText()))
                .isPositive();
    }

    @Test
    void azureKillNineOfTheNodeSendingAnHourEventAnotherNodeSettlesItUnderTheSameEvent()
            throws Exception {
        newCluster("azure");
        Map<String, ForkedJvm.Started> nodes = working("n1", "n2", "n3");
        String leader = leader();
        long calls = 0;
        for (ForkedJvm.Started app : nodes.values()) {
            calls += app.stopCalls();
        }
        // the hour's event takes 3 s to answer: the node sending it is killed meanwhile
        emulator.faults().set(FaultSettings.none().withLatencyMs(3000));
        closeTheHour(calls, nodes);
        await().atMost(Duration.ofSeconds(90)).until(() ->
                emulator.meteringRequestsInFlight() > 0);
        ForkedJvm.Started killed = nodes.remove(leader);
        killed.process.destroyForcibly(); // SIGKILL
        killed.process.waitFor();
        deleteRecursively(journalOf(leader));
        emulator.faults().set(FaultSettings.none());

        await().atMost(Duration.ofSeconds(90)).until(() ->
                nodes.containsKey(database.leaseHolder(schema)));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(
                database.pendingRecords(schema)).as("%s", output(nodes)).isZero());
        for (ForkedJvm.Started app : nodes.values()) {
            app.process.destroy();
            app.await();
        }
        // a second event for the hour, or the event resent with another sum, would show here
        assertThat(accepted()).as("one event for the hour with every node's sum%s",
                output(nodes)).isEqualTo(Map.of("request", Map.of(hour, calls)));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"yandex", "azure"})
    void theDatabaseDownForAMinuteAndBackLosesNothing(String marketplace) throws Exception {
        newCluster(marketplace);
        Path jdk = Paths.get(System.getProperty("java.home"));
        Map<String, ForkedJvm.Started> nodes = new LinkedHashMap<>();
        for (String node : List.of("n1", "n2", "n3")) {
            nodes.put(node, steady(jdk, node));
        }
        leader();
        for (ForkedJvm.Started app : nodes.values()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> app.stdoutText().contains("calls="));
        }
        if (!azure()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> billed() > 0);
        }

        database.down();
        try {
            for (ForkedJvm.Started app : nodes.values()) {
                await().atMost(Duration.ofSeconds(30)).until(() -> app.stderrText()
                        .contains("the cluster's database cannot be used"));
            }
            // the outage itself: a minute of real time, in which the apps go on working
            Thread.sleep(Duration.ofSeconds(60).toMillis());
        } finally {
            database.up();
        }
        long calls = 0;
        for (ForkedJvm.Started app : nodes.values()) {
            calls += app.stopCalls();
        }
        long expected = calls;
        closeTheHour(expected, nodes);
        await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> assertThat(billed())
                .as("everything the journals kept is forwarded and delivered%s", output(nodes))
                .isEqualTo(expected));
        for (ForkedJvm.Started app : nodes.values()) {
            String stderr = app.stderrText();
            assertThat(count(stderr, "the cluster's database cannot be used"))
                    .as("one line when the outage begins%s", output(nodes)).isEqualTo(1);
            assertThat(stderr).contains("the cluster's database answers again");
            app.process.destroy();
            app.await();
        }
        assertThat(billed()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"yandex", "azure"})
    void nodesAddedAndRemovedWhileTrafficRunsBillEveryCallOnce(String marketplace)
            throws Exception {
        newCluster(marketplace);
        Path jdk = Paths.get(System.getProperty("java.home"));
        Map<String, ForkedJvm.Started> nodes = new LinkedHashMap<>();
        nodes.put("n1", steady(jdk, "n1"));
        nodes.put("n2", steady(jdk, "n2"));
        String first = leader();
        if (!azure()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> billed() > 0);
        }

        nodes.put("n3", steady(jdk, "n3"));
        await().atMost(Duration.ofSeconds(30)).until(() ->
                nodes.get("n3").stdoutText().contains("calls="));
        // the delivering node leaves (a scale-in): it hands the lease over as it stops
        ForkedJvm.Started leaving = nodes.remove(first);
        long calls = leaving.stopCalls();
        leaving.process.destroy();
        ForkedJvm.Result left = leaving.await();
        assertThat(left.stderr).as("the summary says who delivers")
                .contains("shutdown: node " + first + " delivers for the cluster; sealed");
        String next = leader();
        assertThat(next).isNotEqualTo(first);

        for (ForkedJvm.Started app : nodes.values()) {
            calls += app.stopCalls();
        }
        long expected = calls;
        closeTheHour(expected, nodes);
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(billed())
                .as("%s", output(nodes)).isEqualTo(expected));
        for (ForkedJvm.Started app : nodes.values()) {
            app.process.destroy();
            app.await();
        }
        assertThat(billed()).isEqualTo(expected);
        assertThat(emulator.ledger().rejectionsByReason()).doesNotContainKey("INVALID_ID");

        String status = status(work.resolve("n3.yaml"));
        assertThat(status).as(status).contains("no node delivers now")
                .containsPattern("request\\s+" + expected + "\\s+0\\s+0\\s+0")
                .contains("n1", "n2", "n3");
        assertThat(cli(work.resolve("n3.yaml"), "validate", 0))
                .contains("the cluster's database " + database.url(), "is usable: 3 node(s)");
    }

    @Test
    void validateNamesADatabaseThatCannotBeReached() throws Exception {
        newCluster(EmulatorSettings.defaults());
        Path config = yandexConfig("n1");
        int closed;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            closed = probe.getLocalPort();
        }
        Path nowhere = Files.writeString(config, Files.readString(config)
                .replace(database.url(), "jdbc:postgresql://127.0.0.1:" + closed + "/app"));

        assertThat(cli(nowhere, "validate", 1)).contains("127.0.0.1:" + closed,
                "is the database running and reachable from this host (cluster.postgres.url)?");
    }

    /** What {@code java -jar odometer-agent.jar status} prints for a node's config. */
    private String status(Path config) throws Exception {
        return cli(config, "status", 0);
    }

    /** Runs the agent's command line on a node's config; its output, after the exit code. */
    private String cli(Path config, String command, int exitCode) throws Exception {
        Path output = work.resolve(command + ".txt");
        ProcessBuilder builder = new ProcessBuilder(Paths.get(System.getProperty("java.home"),
                "bin", "java").toString(), "-jar", ForkedJvm.AGENT_JAR.toString(), command,
                "--config", config.toString()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().put("ODOMETER_TEST_SECRET", "demo-secret"); // Azure's config
        Process cli = builder.start();
        assertThat(cli.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        String text = Files.readString(output);
        assertThat(cli.exitValue()).as(text).isEqualTo(exitCode);
        return text;
    }

    @Test
    void withoutClusterNoJdbcClassLoadsAndWithItTheDriverIsTheAgentsOwn() throws Exception {
        newCluster(EmulatorSettings.defaults());
        Path jdk = Paths.get(System.getProperty("java.home"));
        List<String> alone = classesLoaded(jdk, "alone", false);
        List<String> inCluster = classesLoaded(jdk, "clustered", true);

        // (java.sql.Date and Timestamp do load: jackson-jr's table of value types names them)
        assertThat(alone).as("JDBC, the driver or the cluster's classes without cluster:")
                .noneMatch(name -> name.matches("java\\.sql\\.(Driver|DriverManager|Connection)")
                        || name.contains("postgresql")
                        || name.startsWith("dev.odometer.agent.cluster.")
                        || name.startsWith("dev.odometer.agent.store.postgres."));
        assertThat(inCluster).contains("java.sql.Connection");
        assertThat(inCluster).as("with cluster: the agent's relocated driver, and no other")
                .anyMatch(name -> name.startsWith("dev.odometer.agent.shaded.org.postgresql."))
                .noneMatch(name -> name.startsWith("org.postgresql."));
    }

    private List<String> classesLoaded(Path jdk, String node, boolean cluster) throws Exception {
        Path config = yandexConfig(node);
        if (!cluster) {
            String text = Files.readString(config);
            config = Files.writeString(config, text.substring(0, text.indexOf("cluster:")));
        }
        Path log = work.resolve(node + "-classes.log");
        ForkedJvm.Started app = ForkedJvm.on(jdk).withAgent(config)
                .jvmArg("-Xlog:class+load=info:file=" + log)
                .main(SteadyApp.class).start(work.resolve(node));
        processes.add(app.process);
        long before = billed();
        await().atMost(Duration.ofSeconds(30)).until(() -> app.stdoutText().contains("calls="));
        long calls = app.stopCalls();
        await().atMost(Duration.ofSeconds(60)).until(() -> billed() - before == calls);
        app.process.destroy();
        app.await();
        List<String> classes = new ArrayList<>();
        Pattern loaded = Pattern.compile("\\] (\\S+) source:");
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            Matcher m = loaded.matcher(line);
            if (m.find()) {
                classes.add(m.group(1));
            }
        }
        return classes;
    }

    // ---------------------------------------------------------------- Azure

    private Path azureConfig(String node, String... skus) throws IOException {
        return Files.writeString(work.resolve(node + ".yaml"), String.join("\n",
                "marketplace: azure",
                "resource_id: demo-subscription",
                "plan_id: demo-plan",
                "endpoint: " + emulator.baseUri(),
                "auth:",
                "  type: client-credentials",
                "  tenant_id: demo-tenant",
                "  client_id: demo-client",
                "  client_secret_env: ODOMETER_TEST_SECRET",
                "  login_endpoint: " + emulator.baseUri(),
                "flush_interval: " + FLUSH.toMillis() + "ms",
                "journal_dir: " + journalOf(node),
                "skus:",
                String.join("\n", skus),
                database.clusterSection(schema, node), ""));
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void threeReplicasInOneAzureHourBillOneEventWithTheExactSum(Path jdk) throws Exception {
        newCluster("azure");

        Map<String, ForkedJvm.Started> nodes = new LinkedHashMap<>();
        for (String node : List.of("n1", "n2", "n3")) {
            ForkedJvm.Started app = ForkedJvm.on(jdk).withAgent(azureConfig(node,
                            "  request: {dimension: request}", "  email: {dimension: email}"))
                    .jvmArg("-Dodometer.testing.clockOffsetFile=" + offsetFile)
                    .env("ODOMETER_TEST_SECRET", "demo-secret")
                    .main(PhasedApp.class).start(work.resolve(node));
            processes.add(app.process);
            nodes.put(node, app);
        }
        long request = 0;
        long email = 0;
        for (ForkedJvm.Started app : nodes.values()) {
            await().atMost(Duration.ofSeconds(30)).until(() -> app.stdoutText().contains("READY"));
            long[] made = phase(app);
            request += made[0];
            email += made[1];
        }
        long[] expected = {request, email};
        // every node's usage is in the database before the hour closes
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(new long[] {
            database.sealedUnits(schema, "request"), database.sealedUnits(schema, "email")})
                .as("%s", output(nodes)).containsExactly(expected));

        emulator.clock().advance(Duration.ofHours(1));
        Files.writeString(offsetFile, String.valueOf(offset.plus(Duration.ofHours(1))
                .getSeconds()));

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(accepted())
                .as("%s", output(nodes))
                .isEqualTo(Map.of("request", Map.of(hour, expected[0]), "email", Map.of(hour, expected[1]))));
        for (ForkedJvm.Started app : nodes.values()) {
            app.say("exit");
            app.await();
        }
        assertThat(accepted()).hasSize(2);
        assertThat(emulator.ledger().azureRejectionsByStatus()).as("no second event for the hour")
                .isEmpty();
    }

    private static long[] phase(ForkedJvm.Started app) throws Exception {
        app.say("run");
        Thread.sleep(300); // the calls run for a moment: what they count is read below
        app.say("pause");
        await().atMost(Duration.ofSeconds(30)).until(() -> app.stdoutText().contains("PAUSED"));
        Matcher m = PAUSED.matcher(app.stdoutText());
        assertThat(m.find()).isTrue();
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    /** Accepted events: dimension -> hour -> quantity. */
    private Map<String, Map<Instant, Long>> accepted() {
        Map<String, Map<Instant, Long>> events = new TreeMap<>();
        for (Ledger.AzureEvent event : emulator.ledger().azureEvents()) {
            Long previous = events.computeIfAbsent(event.dimension(), k -> new TreeMap<>())
                    .put(event.hour(), event.quantity().longValueExact());
            assertThat(previous).as("one event per dimension and hour").isNull();
        }
        return events;
    }

    private static long firstProgressAt(String stdout) {
        Matcher m = PROGRESS.matcher(stdout);
        return m.find() ? Long.parseLong(m.group(1)) : Long.MAX_VALUE;
    }

    private static String tail(String text) {
        return text.substring(Math.max(0, text.length() - 400));
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
            n++;
        }
        return n;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
