package dev.odometer.agent.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.app.ShutdownHookWorkApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Work the host's own shutdown hooks finish after the JVM was asked to stop is billed. */
class ShutdownHooksIT {
    @TempDir
    Path work;

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void theLastSealWaitsForTheOtherShutdownHooks(Path jdk) throws Exception {
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
