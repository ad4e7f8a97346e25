package dev.odometer.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.acme.app.SteadyApp;
import dev.odometer.emulator.EmulatorSettings;
import dev.odometer.emulator.FaultSettings;
import dev.odometer.emulator.MarketplaceEmulator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A 403 spell (a role or billing account taken away, then restored) ends in billing within a
 * minute, with one line when it begins and one when it ends; and a spell that ends while the
 * application stops is retried through the shutdown until {@code shutdown_timeout}.
 */
class ForbiddenIT {
    @TempDir
    Path work;

    private MarketplaceEmulator emulator;
    private Process process;

    @BeforeEach
    void startEmulator() {
        emulator = MarketplaceEmulator.start(EmulatorSettings.defaults().withPort(0));
    }

    @AfterEach
    void stopAll() {
        if (process != null) {
            process.destroyForcibly();
        }
        emulator.close();
    }

    private Path config() throws IOException {
        return Files.writeString(work.resolve("odometer.yaml"), String.join("\n",
                "marketplace: yandex",
                "product_id: demo-product",
                "endpoint: " + emulator.baseUri(),
                "auth: {type: token, token: demo-token}",
                "flush_interval: 100ms",
                "journal_dir: " + work.resolve("journal"),
                "shutdown_timeout: 20s",
                "validate_on_start: false",
                "skus:",
                "  request: {sku_id: sku-request}",
                ""));
    }

    private int forbiddenLeft() {
        return emulator.faults().current().forbiddenRequests();
    }

    private long billed() {
        return emulator.ledger().totalForSku("sku-request");
    }

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void aForbiddenSpellEndsInBillingWithinAMinuteAndAtShutdownItIsRetriedUntilTheTimeout(
            Path jdk) throws Exception {
        emulator.faults().set(FaultSettings.none().withForbiddenRequests(3));
        ForkedJvm.Started app = ForkedJvm.on(jdk).withAgent(config()).main(SteadyApp.class)
                .start(work.resolve("app"));
        process = app.process;
        OutputStream in = app.process.getOutputStream();

        // three 403s in a row, then the marketplace accepts again: billing resumes at once
        await().atMost(Duration.ofSeconds(30)).until(() -> forbiddenLeft() == 0);
        await().atMost(Duration.ofSeconds(30)).until(() -> billed() > 0);

        // a second spell; after its third 403 the delivery thread waits seconds
        emulator.faults().set(FaultSettings.none().withForbiddenRequests(3));
        await().atMost(Duration.ofSeconds(30)).until(() -> forbiddenLeft() == 0);
        in.write("stop\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        await().atMost(Duration.ofSeconds(30)).until(() -> app.stdoutText().contains("DONE"));
        Matcher done = Pattern.compile("DONE calls=(\\d+)").matcher(app.stdoutText());
        assertThat(done.find()).isTrue();
        long calls = Long.parseLong(done.group(1));
        // it ends during the shutdown: two more 403s first
        emulator.faults().set(FaultSettings.none().withForbiddenRequests(2));
        app.process.destroy(); // SIGTERM
        ForkedJvm.Result result = app.await();

        assertThat(billed()).as("%s", result).isEqualTo(calls);
        assertThat(forbiddenLeft()).as("the shutdown met the 403s").isZero();
        assertThat(result.agentLines()).filteredOn(l -> l.contains("403 Forbidden"))
                .as("one line as each spell begins").hasSize(2)
                .allSatisfy(l -> assertThat(l).contains("at least once a minute"));
        assertThat(result.agentLines()).filteredOn(l -> l.contains("delivery recovered"))
                .as("one line as each spell ends").hasSize(2);
    }
}
