package dev.odometer.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.acme.app.BurstApp;
import dev.odometer.agent.journal.JournalStatus;
import dev.odometer.emulator.EmulatorSettings;
import dev.odometer.emulator.FaultSettings;
import dev.odometer.emulator.MarketplaceEmulator;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The marketplace refuses, as a whole (HTTP 422), every request that holds a record of one
 * SKU: the agent isolates those records, parks exactly them, and bills everything else; the
 * queue never blocks behind them.
 */
class RefusedBatchIT {
    @TempDir
    Path work;

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void recordsTheMarketplaceRefusesAreParkedAndTheRestIsBilled(Path jdk) throws Exception {
        try (MarketplaceEmulator emulator = MarketplaceEmulator.start(EmulatorSettings.defaults()
                .withPort(0).withFaults(FaultSettings.none().withRefusedSku("sku-email", 422)))) {
            Path config = Files.writeString(work.resolve("odometer.yaml"), String.join("\n",
                    "marketplace: yandex",
                    "product_id: demo-product",
                    "endpoint: " + emulator.baseUri(),
                    "auth: {type: token, token: demo-token}",
                    "flush_interval: 100ms",
                    "journal_dir: " + work.resolve("journal"),
                    "validate_on_start: false",
                    "skus:",
                    "  request: {sku_id: sku-request}",
                    "  email: {sku_id: sku-email}",
                    ""));
            ForkedJvm.Started app = ForkedJvm.on(jdk).withAgent(config).main(BurstApp.class)
                    .start(work.resolve("app"));
            try (OutputStream in = app.process.getOutputStream()) {
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        emulator.ledger().totalForSku("sku-request") > 0);
                in.write("stop\n".getBytes(StandardCharsets.UTF_8));
                in.flush();
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        app.stdoutText().contains("DONE"));
                Matcher done = Pattern.compile("DONE requests=(\\d+) emails=(\\d+)")
                        .matcher(app.stdoutText());
                assertThat(done.find()).isTrue();
                long requests = Long.parseLong(done.group(1));
                long emails = Long.parseLong(done.group(2));
                in.write("exit\n".getBytes(StandardCharsets.UTF_8));
                in.flush();
                ForkedJvm.Result result = app.await();

                assertThat(emulator.ledger().totalForSku("sku-request")).as("%s", result)
                        .isEqualTo(requests);
                assertThat(emulator.ledger().totalForSku("sku-email")).isZero();
                JournalStatus status = JournalStatus.read(work.resolve("journal"));
                assertThat(status.skus().get("email").parkedUnits()).as("%s", result)
                        .isEqualTo(emails);
                assertThat(status.skus().get("email").pendingUnits()).isZero();
                assertThat(status.skus().get("request").parkedUnits()).isZero();
                assertThat(result.agentLines())
                        .filteredOn(l -> l.contains("was rejected as REQUEST_REFUSED"))
                        .singleElement().satisfies(l -> assertThat(l).contains("SKU 'email'")
                                .contains("HTTP 422").contains("sku-email"));
            } finally {
                app.process.destroyForcibly();
            }
        }
    }
}
