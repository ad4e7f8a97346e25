package dev.odometer.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.acme.app.ShutdownHookApp;
import com.acme.app.ShutdownHookWorkApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The agent's last seal comes after every other shutdown hook has finished, or when
 * {@code shutdown_timeout} runs out: work that a server finishes while it shuts down gracefully
 * is billed.
 */
class ShutdownIT {
    @TempDir
    Path work;

    private Path config(String shutdownTimeout) throws Exception {
        return Files.writeString(work.resolve("odometer.yaml"), String.join("\n",
                "marketplace: log",
                "flush_interval: 50ms",
                "shutdown_timeout: " + shutdownTimeout,
                "skus:",
                "  jobs: {sku_id: sku-jobs}",
                ""));
    }

    /**
     * 4 units before SIGTERM; then the app's own hook lets 3 requests in flight finish, each
     * 300 ms later with a job of 5 units.
     */
    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void workFinishedWhileAnotherShutdownHookRunsIsBilled(Path jdk) throws Exception {
        ForkedJvm.Started app = ForkedJvm.on(jdk).withAgent(config("10s"))
                .main(ShutdownHookApp.class, "graceful").start(work.resolve("app"));
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> app.stdoutText().contains("READY"));

            app.process.destroy(); // SIGTERM
            ForkedJvm.Result result = app.await();

            assertThat(result.stdout).as("%s", result).contains("hook done");
            assertThat(LoggedUsage.totals(result.stderr + result.stdout)).as("%s", result)
                    .isEqualTo(Map.of("jobs", 4L + 3 * 5L));
        } finally {
            app.process.destroyForcibly();
        }
    }

    /**
     * The app's hook does a job of 5 units 300 ms after SIGTERM and then hangs: the agent seals
     * those 5 with the 4 from before when its 2 s shutdown_timeout runs out, instead of waiting
     * for a hook that never ends (the JVM itself stays up, so the test kills it).
     */
    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void aShutdownHookThatNeverEndsHoldsTheLastSealOnlyUntilShutdownTimeout(Path jdk)
            throws Exception {
        ForkedJvm.Started app = ForkedJvm.on(jdk).withAgent(config("2s"))
                .main(ShutdownHookApp.class, "stuck").start(work.resolve("app"));
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> app.stdoutText().contains("READY"));

            app.process.destroy(); // SIGTERM
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(LoggedUsage.totals(app.stderrText() + app.stdoutText()))
                            .as("stdout: %s%nstderr: %s", app.stdoutText(), app.stderrText())
                            .isEqualTo(Map.of("jobs", 4L + 5L)));
            assertThat(app.stdoutText()).contains("hook stuck").doesNotContain("hook done");
        } finally {
            app.process.destroyForcibly();
        }
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void aSystemExitWaitsForTheOtherHooksBeforeTheLastSeal(Path jdk) throws Exception {
        Path config = Files.writeString(work.resolve("odometer.yaml"), String.join("\n",
                "marketplace: log", "flush_interval: 10m", "shutdown_timeout: 20s", "skus:",
                "  email: {sku_id: sku-email}", ""));

        ForkedJvm.Result result = ForkedJvm.on(jdk).withAgent(config)
                .main(ShutdownHookWorkApp.class, "500").run(work);

        assertThat(result.exitCode).as("%s", result).isZero();
        assertThat(result.stdout).contains("drained 7");
        assertThat(LoggedUsage.totals(result.stdout + result.stderr)).as("%s", result)
                .isEqualTo(Map.of("email", 107L));
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void aHookOutlastingTheTimeoutIsStillSealedWhenItEnds(Path jdk) throws Exception {
        Path config = Files.writeString(work.resolve("odometer.yaml"), String.join("\n",
                "marketplace: log", "flush_interval: 10m", "shutdown_timeout: 200ms", "skus:",
                "  email: {sku_id: sku-email}", ""));

        ForkedJvm.Result result = ForkedJvm.on(jdk).withAgent(config)
                .main(ShutdownHookWorkApp.class, "1500").run(work);

        assertThat(result.exitCode).as("%s", result).isZero();
        assertThat(LoggedUsage.totals(result.stdout + result.stderr)).as("%s", result)
                .isEqualTo(Map.of("email", 107L));
        assertThat(result.agentLines()).anySatisfy(line -> assertThat(line)
                .contains("shutdown_timeout").contains("app-graceful-shutdown"));
    }
}
