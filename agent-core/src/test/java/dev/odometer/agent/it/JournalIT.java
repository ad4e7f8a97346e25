package dev.odometer.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.acme.app.PhasedApp;
import com.acme.app.SteadyApp;
import dev.odometer.agent.journal.JournalStatus;
import dev.odometer.emulator.EmulatorSettings;
import dev.odometer.emulator.FaultSettings;
import dev.odometer.emulator.MarketplaceEmulator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Exactly-once through what kills processes and networks: kill -9 at random moments, SIGTERM,
 * an outage longer than the marketplace's one-hour window, a damaged journal, a full journal,
 * and a second process on the same journal. Each compares the emulator's ledger with the calls
 * the forked app made.
 */
class JournalIT {
    private static final Pattern PROGRESS = Pattern.compile("t=(\\d+) calls=(\\d+)");
    private static final Duration FLUSH = Duration.ofMillis(100);

    @TempDir
    Path work;

    private MarketplaceEmulator emulator;
    private final List<Process> processes = new ArrayList<>();

    @BeforeEach
    void startEmulator() throws Exception {
        emulator = MarketplaceEmulator.start(EmulatorSettings.defaults().withPort(0));
    }

    @AfterEach
    void stopAll() {
        processes.forEach(Process::destroyForcibly);
        emulator.close();
    }

    private Path config(String... extra) throws IOException {
        return config(FLUSH, extra);
    }

    private Path config(Duration flush, String... extra) throws IOException {
        List<String> lines = new ArrayList<>(List.of(
                "marketplace: yandex",
                "product_id: demo-product",
                "endpoint: " + emulator.baseUri(),
                "auth: {type: token, token: demo-token}",
                "flush_interval: " + flush.toMillis() + "ms",
                "journal_dir: " + work.resolve("journal"),
                "validate_on_start: false",
                "skus:",
                "  request: {sku_id: sku-request}"));
        lines.addAll(List.of(extra));
        return Files.writeString(work.resolve("odometer.yaml"), String.join("\n", lines) + "\n");
    }

    private ForkedJvm.Started start(Path jdk, Path config, String name, String... jvmArgs)
            throws IOException {
        ForkedJvm jvm = ForkedJvm.on(jdk).withAgent(config);
        for (String arg : jvmArgs) {
            jvm.jvmArg(arg);
        }
        ForkedJvm.Started app = jvm.main(SteadyApp.class).start(work.resolve(name));
        processes.add(app.process);
        return app;
    }

    private static long billed(MarketplaceEmulator emulator) {
        return emulator.ledger().totalForSku("sku-request");
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void killNineAtRandomMomentsNeverBillsTwiceAndLosesAtMostTheLastWindow(Path jdk)
            throws Exception {
        Path config = config();
        Random random = new Random(20261121);
        long lowerBound = 0;
        long upperBound = 0;
        for (int run = 0; run < 5; run++) {
            ForkedJvm.Started app = start(jdk, config, "run" + run);
            await().atMost(Duration.ofSeconds(30)).until(() -> app.stdoutText().contains("calls="));
            Thread.sleep(200 + random.nextInt(1300)); // the random moment: nothing to wait for
            long killedAt = System.currentTimeMillis();
            app.process.destroyForcibly(); // SIGKILL
            app.process.waitFor();

            long lastPrinted = 0;
            long surelySealed = 0;
            Matcher m = PROGRESS.matcher(app.stdoutText());
            while (m.find()) {
                long at = Long.parseLong(m.group(1));
                long calls = Long.parseLong(m.group(2));
                lastPrinted = calls;
                // calls a whole window (plus generous scheduling slack) before the kill were
                // sealed and journaled before it
                if (at <= killedAt - FLUSH.toMillis() - 1000) {
                    surelySealed = calls;
                }
            }
            upperBound += lastPrinted + SteadyApp.STEP;
            lowerBound += surelySealed;
        }
        ForkedJvm.Started last = start(jdk, config, "final");
        long finalCalls = last.stopCalls();
        last.process.destroy(); // SIGTERM: the last run ends normally
        ForkedJvm.Result result = last.await();

        long billed = billed(emulator);
        assertThat(billed).as("never billed twice: %s", result).isLessThanOrEqualTo(upperBound
                + finalCalls);
        assertThat(billed).as("lost at most what the last window of each killed run counted")
                .isGreaterThanOrEqualTo(lowerBound + finalCalls);
        assertThat(lowerBound).as("the kills came after real work").isPositive();
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void sigtermLosesNothing(Path jdk) throws Exception {
        ForkedJvm.Started app = start(jdk, config(), "app");
        await().atMost(Duration.ofSeconds(30)).until(() -> app.stdoutText().contains("calls="));
        long calls = app.stopCalls();

        app.process.destroy(); // SIGTERM
        ForkedJvm.Result result = app.await();

        assertThat(billed(emulator)).as("%s", result).isEqualTo(calls);
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void aRequestInFlightAtShutdownIsWaitedForAndNeverSentAgainBesideIt(Path jdk)
            throws Exception {
        ForkedJvm.Started app = start(jdk, config("shutdown_timeout: 30s"), "app");
        await().atMost(Duration.ofSeconds(30)).until(() -> app.stdoutText().contains("calls="));
        // every request now takes 3.5 s: longer than the 2 s the flush used to wait
        emulator.faults().set(FaultSettings.none().withLatencyMs(3500));
        long calls = app.stopCalls();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                emulator.meteringRequestsInFlight() > 0);

        app.process.destroy(); // SIGTERM while the delivery thread's request is in flight
        ForkedJvm.Result result = app.await();

        assertThat(billed(emulator)).as("%s", result).isEqualTo(calls);
        assertThat(emulator.ledger().rejectionsByReason()).as("nothing sent twice at once")
                .doesNotContainKey("DUPLICATE");
        assertThat(undelivered()).isZero();
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void anOutageLongerThanTheOneHourWindowIsBilledExactlyAfterRecovery(Path jdk)
            throws Exception {
        Path offsetFile = Files.writeString(work.resolve("clock-offset"), "0");
        ForkedJvm.Started app = start(jdk, config(), "app",
                "-Dodometer.testing.clockOffsetFile=" + offsetFile);
        await().atMost(Duration.ofSeconds(30)).until(() -> app.stdoutText().contains("calls="));
        emulator.faults().set(FaultSettings.none().withOutage(true));
        await().atMost(Duration.ofSeconds(30)).until(() -> app.stderrText()
                .contains("delivery failed"));
        long calls = app.stopCalls();

        // seventy minutes pass on both clocks while the marketplace is down
        emulator.clock().advance(Duration.ofMinutes(70));
        Files.writeString(offsetFile, String.valueOf(Duration.ofMinutes(70).toSeconds()));
        emulator.faults().set(FaultSettings.none());

        await().atMost(Duration.ofSeconds(90)).untilAsserted(() ->
                assertThat(billed(emulator)).as(app.stderrText()).isEqualTo(calls));
        app.say("exit");
        ForkedJvm.Result result = app.await();
        assertThat(billed(emulator)).as("%s", result).isEqualTo(calls);
        assertThat(emulator.ledger().rejectionsByReason()).doesNotContainKey("EXPIRED");
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void aDamagedJournalTailIsReportedAndWhatIsIntactStillBilled(Path jdk) throws Exception {
        Path config = config();
        emulator.faults().set(FaultSettings.none().withOutage(true));
        ForkedJvm.Started first = start(jdk, config, "first");
        await().atMost(Duration.ofSeconds(30)).until(() -> first.stdoutText().contains("calls="));
        long firstCalls = first.stopCalls();
        first.process.destroy(); // stops normally, but nothing could be delivered
        first.await();
        assertThat(billed(emulator)).isZero();
        Path journal;
        try (var files = Files.walk(work.resolve("journal"))) {
            journal = files.filter(p -> p.getFileName().toString().equals("journal.log"))
                    .findFirst().orElseThrow();
        }
        Files.write(journal, new byte[] {0, 0, 0, 40, 1, 2, 3, 4, 5}, StandardOpenOption.APPEND);

        emulator.faults().set(FaultSettings.none());
        ForkedJvm.Started second = start(jdk, config, "second");
        long secondCalls = second.stopCalls();
        second.process.destroy();
        ForkedJvm.Result result = second.await();

        assertThat(result.agentLines()).anyMatch(l -> l.contains("9 bytes were torn or damaged"));
        assertThat(billed(emulator)).as("%s", result).isEqualTo(firstCalls + secondCalls);
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void aFullJournalKeepsTheAppRunningSaysSoAndCatchesUpAfterwards(Path jdk) throws Exception {
        emulator.faults().set(FaultSettings.none().withOutage(true));
        ForkedJvm.Started app = start(jdk, config(Duration.ofMillis(10),
                "journal_max_bytes: 64KiB"), "app");

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(app.stderrText()).contains("is at journal_max_bytes"));
        int progressLines = app.stdoutText().split("calls=").length;
        await().atMost(Duration.ofSeconds(30)).until(() ->
                app.stdoutText().split("calls=").length > progressLines + 10);

        emulator.faults().set(FaultSettings.none());
        long calls = app.stopCalls();
        app.process.destroy();
        ForkedJvm.Result result = app.await();

        assertThat(billed(emulator)).as("%s", result).isEqualTo(calls);
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void severalProcessesAtOnceOnOneJournalDirAreEachBilledExactly(Path jdk) throws Exception {
        Path config = config();
        List<ForkedJvm.Started> apps = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            apps.add(start(jdk, config, "app" + i));
        }
        for (ForkedJvm.Started app : apps) {
            await().atMost(Duration.ofSeconds(30)).until(() -> app.stdoutText().contains("calls="));
        }
        long calls = 0;
        for (ForkedJvm.Started app : apps) {
            calls += app.stopCalls();
        }
        List<ForkedJvm.Result> results = new ArrayList<>();
        for (ForkedJvm.Started app : apps) {
            app.process.destroy(); // SIGTERM
        }
        for (ForkedJvm.Started app : apps) {
            results.add(app.await());
        }

        assertThat(billed(emulator)).as("%s", results).isEqualTo(calls);
        assertThat(undelivered()).isZero();
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void inABlueGreenOverlapTheNewProcessDeliversWhatTheOldOneLeftBehind(Path jdk)
            throws Exception {
        Path config = config("shutdown_timeout: 1s");
        emulator.faults().set(FaultSettings.none().withOutage(true));
        ForkedJvm.Started blue = start(jdk, config, "blue");
        await().atMost(Duration.ofSeconds(30)).until(() -> blue.stdoutText().contains("calls="));
        ForkedJvm.Started green = start(jdk, config, "green");
        await().atMost(Duration.ofSeconds(30)).until(() -> green.stdoutText().contains("calls="));

        long blueCalls = blue.stopCalls();
        blue.process.destroy(); // SIGTERM while the marketplace is down: its records stay
        ForkedJvm.Result blueResult = blue.await();
        assertThat(billed(emulator)).isZero();
        emulator.faults().set(FaultSettings.none());

        // green is still running: it adopts blue's journal and delivers it with its own
        await().atMost(Duration.ofSeconds(40)).untilAsserted(() -> assertThat(
                green.stderrText()).as("%s", blueResult).contains("adopted the journal"));
        long greenCalls = green.stopCalls();
        green.process.destroy();
        ForkedJvm.Result greenResult = green.await();

        assertThat(billed(emulator)).as("%s", greenResult).isEqualTo(blueCalls + greenCalls);
        assertThat(undelivered()).isZero();
        assertThat(processJournals()).as("blue's journal was taken over").hasSize(1);
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void aJvmStartedThroughJavaToolOptionsIsMeteredBesideAnotherOne(Path jdk) throws Exception {
        String options = "-javaagent:" + ForkedJvm.AGENT_JAR + "=config=" + config();
        // a tool JVM that picks the agent up from the environment and stays (a migration, jcmd)
        ForkedJvm.Started tool = ForkedJvm.on(jdk).env("JAVA_TOOL_OPTIONS", options)
                .main(PhasedApp.class).start(work.resolve("tool"));
        processes.add(tool.process);
        await().atMost(Duration.ofSeconds(30)).until(() -> tool.stdoutText().contains("READY")
                && tool.stderrText().contains("[odometer]"));
        ForkedJvm.Started app = ForkedJvm.on(jdk).env("JAVA_TOOL_OPTIONS", options)
                .main(SteadyApp.class).start(work.resolve("app"));
        processes.add(app.process);
        await().atMost(Duration.ofSeconds(30)).until(() -> app.stdoutText().contains("calls="));

        long calls = app.stopCalls();
        app.process.destroy();
        ForkedJvm.Result result = app.await();
        tool.say("exit");
        tool.await();

        assertThat(result.stderr).contains("Picked up JAVA_TOOL_OPTIONS");
        assertThat(billed(emulator)).as("%s", result).isEqualTo(calls);
        assertThat(undelivered()).isZero();
        assertThat(processJournals()).as("the tool's empty journal is gone").hasSize(1);
    }

    /** Units in journal_dir not delivered: pending, in doubt or parked. */
    private long undelivered() throws IOException {
        long units = 0;
        for (JournalStatus.Sku sku : JournalStatus.read(work.resolve("journal")).skus().values()) {
            units += sku.pendingUnits() + sku.inDoubtUnits() + sku.parkedUnits();
        }
        return units;
    }

    /** The per-process journal directories left in journal_dir. */
    private List<Path> processJournals() throws IOException {
        Path dir = work.resolve("journal");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            return files.filter(Files::isDirectory).collect(java.util.stream.Collectors.toList());
        }
    }
}
