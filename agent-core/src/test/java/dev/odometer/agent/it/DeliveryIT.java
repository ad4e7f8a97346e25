package dev.odometer.agent.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.acme.app.BurstApp;
import dev.odometer.emulator.AuthorizedKeys;
import dev.odometer.emulator.EmulatorSettings;
import dev.odometer.emulator.FaultSettings;
import dev.odometer.emulator.Ledger;
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
 * The agent in a forked JVM delivers to the emulator through real IAM key-file auth (a PS256
 * JWT exchanged for a token), through 30% 500s and 10% lost responses, and the ledger ends
 * up equal to the calls the app made.
 */
class DeliveryIT {
    @TempDir
    Path work;

    @ParameterizedTest(name = "on {0}")
    @MethodSource("dev.odometer.agent.it.ForkedJvm#jdks")
    void ledgerEqualsCallsThroughErrorsAndLostResponses(Path jdk) throws Exception {
        AuthorizedKeys.GeneratedKey key = AuthorizedKeys.generate("sa-demo", "key-1");
        Path keyFile = Files.writeString(work.resolve("authorized_key.json"), key.json());
        try (MarketplaceEmulator emulator = MarketplaceEmulator.start(EmulatorSettings.defaults()
                .withPort(0).withSeed(7).withServiceAccountKey(key))) {
            Path config = Files.writeString(work.resolve("odometer.yaml"), String.join("\n",
                    "marketplace: yandex",
                    "product_id: demo-product",
                    "endpoint: " + emulator.baseUri(),
                    "auth:",
                    "  type: key-file",
                    "  key_file: " + keyFile,
                    "  iam_endpoint: " + emulator.baseUri(),
                    "flush_interval: 100ms",
                    "journal_dir: " + work.resolve("journal"),
                    "skus:",
                    "  request: {sku_id: sku-request}",
                    "  email: {sku_id: sku-email}",
                    ""));

            ForkedJvm.Started app = ForkedJvm.on(jdk).withAgent(config).main(BurstApp.class)
                    .start(work.resolve("app"));
            try (OutputStream in = app.process.getOutputStream()) {
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertThat(app.stderrText()).contains("validated"));
                emulator.faults().set(FaultSettings.none().withErrorRate(0.3).withErrorStatus(500)
                        .withLostResponseRate(0.1));
                // the app keeps calling, so sends keep happening, until the faults have bitten
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertThat(app.stderrText()).contains("delivery failed"));
                in.write("stop\n".getBytes(StandardCharsets.UTF_8));
                in.flush();
                await().atMost(Duration.ofSeconds(60)).until(() -> app.stdoutText().contains("DONE"));
                Matcher done = Pattern.compile("DONE requests=(\\d+) emails=(\\d+)")
                        .matcher(app.stdoutText());
                assertThat(done.find()).isTrue();
                long requests = Long.parseLong(done.group(1));
                long emails = Long.parseLong(done.group(2));

                emulator.faults().set(FaultSettings.none());
                in.write("exit\n".getBytes(StandardCharsets.UTF_8));
                in.close();
                ForkedJvm.Result result = app.await();
                assertThat(result.exitCode).as("%s", result).isZero();

                Ledger ledger = emulator.ledger();
                assertThat(ledger.totalForSku("sku-request")).as("%s", result).isEqualTo(requests);
                assertThat(ledger.totalForSku("sku-email")).as("%s", result).isEqualTo(emails);
            } finally {
                app.process.destroyForcibly();
            }
        }
    }
}
