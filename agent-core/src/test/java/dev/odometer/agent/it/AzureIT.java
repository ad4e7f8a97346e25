package dev.odometer.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.acme.app.PhasedApp;
import dev.odometer.agent.journal.JournalStatus;
import dev.odometer.emulator.EmulatorSettings;
import dev.odometer.emulator.FaultSettings;
import dev.odometer.emulator.Ledger;
import dev.odometer.emulator.MarketplaceEmulator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Azure end to end in forked JVMs against the emulator's Azure endpoints, AAD client
 * credentials and all. Both clocks (the agent's through its test clock file, the emulator's)
 * start five minutes into an hour and are moved an hour at a time: no real waiting.
 */
class AzureIT {
    private static final Pattern PAUSED = Pattern.compile("PAUSED request=(\\d+) email=(\\d+)");

    @TempDir
    Path work;

    private MarketplaceEmulator emulator;
    private Path offsetFile;
    private Duration offset;
    private Instant firstHour;
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        Instant now = Instant.now();
        firstHour = now.truncatedTo(ChronoUnit.HOURS).plus(Duration.ofHours(1));
        offset = Duration.between(now, firstHour.plus(Duration.ofMinutes(5)))
                .truncatedTo(ChronoUnit.SECONDS);
        emulator = MarketplaceEmulator.start(EmulatorSettings.defaults().withPort(0)
                .withClockOffset(offset));
        offsetFile = Files.writeString(work.resolve("clock-offset"),
                String.valueOf(offset.getSeconds()));
    }

    @AfterEach
    void stop() {
        processes.forEach(Process::destroyForcibly);
        emulator.close();
    }

    private void advanceAnHour() throws IOException {
        offset = offset.plus(Duration.ofHours(1));
        emulator.clock().advance(Duration.ofHours(1));
        Files.writeString(offsetFile, String.valueOf(offset.getSeconds()));
    }

    private Path config() throws IOException {
        return Files.writeString(work.resolve("odometer.yaml"), String.join("\n",
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
                "flush_interval: 100ms",
                "journal_dir: " + work.resolve("journal"),
                "skus:",
                "  request: {dimension: request}",
                "  email: {dimension: email}",
                ""));
    }

    private final class App {
        final ForkedJvm.Started jvm;
        final OutputStream in;

        App(Path jdk, String name) throws Exception {
            jvm = ForkedJvm.on(jdk).withAgent(config())
                    .jvmArg("-Dodometer.testing.clockOffsetFile=" + offsetFile)
                    .env("ODOMETER_TEST_SECRET", "demo-secret")
                    .main(PhasedApp.class).start(work.resolve(name));
            processes.add(jvm.process);
            in = jvm.process.getOutputStream();
            await().atMost(Duration.ofSeconds(30)).until(() -> jvm.stdoutText().contains("READY"));
        }

        /** Runs a phase of calls and returns {request, email} made in it, all journaled. */
        long[] phase(long[] journaledBefore) throws Exception {
            int pausesBefore = count(jvm.stdoutText());
            say("run");
            await().atMost(Duration.ofSeconds(30)).until(() -> jvm.stdoutText().length() > 0);
            say("pause");
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    count(jvm.stdoutText()) > pausesBefore);
            Matcher m = PAUSED.matcher(jvm.stdoutText());
            long[] made = null;
            while (m.find()) {
                made = new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
            }
            long[] expected = {journaledBefore[0] + made[0], journaledBefore[1] + made[1]};
            // sealed and journaled before the clock moves on, so they belong to this hour
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(journaled()).containsExactly(expected[0], expected[1]));
            return made;
        }

        void say(String line) throws IOException {
            in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            in.flush();
        }

        ForkedJvm.Result exit() throws Exception {
            say("exit");
            return jvm.await();
        }
    }

    private static int count(String stdout) {
        Matcher m = PAUSED.matcher(stdout);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }

    /** Units sealed into the journal, delivered or not: {request, email}. */
    private long[] journaled() throws IOException {
        JournalStatus status = JournalStatus.read(work.resolve("journal"));
        long[] units = new long[2];
        String[] aliases = {"request", "email"};
        for (int i = 0; i < 2; i++) {
            JournalStatus.Sku sku = status.skus().get(aliases[i]);
            if (sku != null) {
                units[i] = sku.deliveredUnits() + sku.pendingUnits() + sku.inDoubtUnits()
                        + sku.parkedUnits();
            }
        }
        return units;
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

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void twoHoursOfUsageAreOneAcceptedEventPerDimensionPerHour(Path jdk) throws Exception {
        App app = new App(jdk, "app");
        long[] first = app.phase(new long[2]);
        advanceAnHour();
        long[] second = app.phase(first);
        advanceAnHour();

        Instant secondHour = firstHour.plus(Duration.ofHours(1));
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(accepted())
                .as("agent output so far:%n%s%n%s", app.jvm.stdoutText(), app.jvm.stderrText())
                .isEqualTo(Map.of(
                        "request", Map.of(firstHour, first[0], secondHour, second[0]),
                        "email", Map.of(firstHour, first[1], secondHour, second[1]))));
        ForkedJvm.Result result = app.exit();
        assertThat(accepted()).as("%s", result).hasSize(2);
        assertThat(emulator.ledger().azureRejectionsByStatus()).isEmpty();
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void aRestartMidHourBillsTheHourOnceWithTheFullSum(Path jdk) throws Exception {
        App before = new App(jdk, "before");
        long[] first = before.phase(new long[2]);
        before.exit();
        App after = new App(jdk, "after");
        long[] second = after.phase(first);
        advanceAnHour();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(accepted())
                .isEqualTo(Map.of(
                        "request", Map.of(firstHour, first[0] + second[0]),
                        "email", Map.of(firstHour, first[1] + second[1]))));
        after.exit();
        assertThat(emulator.ledger().azureRejectionsByStatus()).isEmpty();
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void aThreeHourOutageIsRecoveredWithNothingLostOrDuplicated(Path jdk) throws Exception {
        App app = new App(jdk, "app");
        emulator.faults().set(FaultSettings.none().withOutage(true));
        long[] total = new long[2];
        for (int hour = 0; hour < 3; hour++) {
            long[] made = app.phase(total);
            total[0] += made[0];
            total[1] += made[1];
            advanceAnHour();
        }
        emulator.faults().set(FaultSettings.none());

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
            Map<String, Map<Instant, Long>> events = accepted();
            assertThat(events.getOrDefault("request", Map.of()).values().stream()
                    .mapToLong(Long::longValue).sum()).isEqualTo(total[0]);
            assertThat(events.getOrDefault("email", Map.of()).values().stream()
                    .mapToLong(Long::longValue).sum()).isEqualTo(total[1]);
        });
        ForkedJvm.Result result = app.exit();
        assertThat(emulator.ledger().azureRejectionsByStatus()).as("%s", result).isEmpty();
        assertThat(accepted().values().stream().flatMap(h -> h.keySet().stream())
                .collect(Collectors.toList())).allSatisfy(hour ->
                assertThat(hour).isAfterOrEqualTo(firstHour));
    }
}
