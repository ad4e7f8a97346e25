package dev.odometer.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.acme.app.BusyAttachTargetApp;
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

/**
 * Attaching to an application that is busy calling a metered method loses nothing: every call
 * the agent's counters took in, from the moment the class was retransformed, is sealed, also
 * those made before the accumulator had started.
 */
class AttachDuringTrafficIT {
    @TempDir
    Path work;

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void callsMadeWhileTheAgentAttachesAreAllSealed(Path jdk) throws Exception {
        Path config = Files.writeString(work.resolve("odometer.yaml"), String.join("\n",
                "marketplace: log", "flush_interval: 50ms", "skus:", "  calls: {sku_id: c}", ""));
        ForkedJvm.Started app = ForkedJvm.on(jdk).main(BusyAttachTargetApp.class)
                .start(work.resolve("app"));
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> app.stdoutText().contains("READY"));
            Matcher ready = Pattern.compile("READY (\\d+)").matcher(app.stdoutText());
            assertThat(ready.find()).isTrue();

            Path attachLog = work.resolve("attach.txt");
            Process attach = new ProcessBuilder(List.of(
                    jdk.resolve("bin/java").toString(), "-jar", ForkedJvm.AGENT_JAR.toString(),
                    "attach", "--pid", ready.group(1), "--config", config.toString()))
                    .redirectErrorStream(true).redirectOutput(attachLog.toFile()).start();
            assertThat(attach.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String attachOutput = Files.readString(attachLog);
            assertThat(attach.exitValue()).as(attachOutput).isZero();

            try (OutputStream in = app.process.getOutputStream()) {
                in.write("stop\n".getBytes(StandardCharsets.UTF_8));
            }
            ForkedJvm.Result result = app.await();

            assertThat(result.exitCode).as("%s", result).isZero();
            Matcher done = Pattern.compile("DONE calls=(\\d+) counted=(\\d+)")
                    .matcher(result.stdout);
            assertThat(done.find()).as("%s", result).isTrue();
            long calls = Long.parseLong(done.group(1));
            long counted = Long.parseLong(done.group(2));
            assertThat(counted).as("the agent counted the calls after it attached")
                    .isGreaterThanOrEqualTo(8).isLessThanOrEqualTo(calls);
            assertThat(LoggedUsage.totals(result.stdout + result.stderr))
                    .as("every counted call sealed (%d calls made in all); %s", calls,
                            result.agentLines())
                    .isEqualTo(Map.of("calls", counted));
        } finally {
            app.process.destroyForcibly();
        }
    }
}
