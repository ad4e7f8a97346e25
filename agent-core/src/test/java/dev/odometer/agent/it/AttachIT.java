package dev.odometer.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.acme.app.AttachTargetApp;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** {@code java -jar odometer-agent.jar attach} meters a class loaded before it attached. */
class AttachIT {
    @TempDir
    Path work;

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void attachMetersAClassLoadedBeforeAttaching(Path jdk) throws Exception {
        Path config = Files.writeString(work.resolve("odometer.yaml"), String.join("\n",
                "marketplace: log", "flush_interval: 50ms", "skus:", "  calls: {sku_id: c}", ""));
        ForkedJvm.Started app = ForkedJvm.on(jdk).main(AttachTargetApp.class)
                .start(work.resolve("app"));
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> app.stdoutText().contains("READY"));
            Matcher ready = Pattern.compile("READY (\\d+)").matcher(app.stdoutText());
            assertThat(ready.find()).isTrue();

            Process attach = new ProcessBuilder(List.of(
                    jdk.resolve("bin/java").toString(), "-jar", ForkedJvm.AGENT_JAR.toString(),
                    "attach", "--pid", ready.group(1), "--config", config.toString()))
                    .redirectErrorStream(true).start();
            assertThat(attach.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String attachOutput = new String(attach.getInputStream().readAllBytes(),
                    StandardCharsets.UTF_8);
            assertThat(attach.exitValue()).as(attachOutput).isZero();
            assertThat(attachOutput).contains("attached to process " + ready.group(1));

            try (OutputStream in = app.process.getOutputStream()) {
                in.write("go\n".getBytes(StandardCharsets.UTF_8));
            }
            ForkedJvm.Result result = app.await();

            assertThat(result.exitCode).as("%s", result).isZero();
            assertThat(result.stdout).contains("app done after go");
            assertThat(LoggedUsage.totals(result.stdout)).as("%s", result)
                    .isEqualTo(Map.of("calls", 8L));
        } finally {
            app.process.destroyForcibly();
        }
    }
}
