package dev.odometer.agent.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.odometer.emulator.EmulatorSettings;
import dev.odometer.emulator.FaultSettings;
import dev.odometer.emulator.MarketplaceEmulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code java -jar odometer-agent.jar validate} against the emulator. */
class ValidateCommandTest {
    static MarketplaceEmulator emulator;

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @BeforeAll
    static void startEmulator() throws Exception {
        emulator = MarketplaceEmulator.start(EmulatorSettings.defaults().withPort(0)
                .withStaticToken("cli-token"));
    }

    @AfterAll
    static void stopEmulator() {
        emulator.close();
    }

    private int validate(String product, String emailSku) throws Exception {
        emulator.faults().set(FaultSettings.none());
        Path config = Files.writeString(dir.resolve("odometer.yaml"), String.join("\n",
                "marketplace: yandex",
                "product_id: " + product,
                "endpoint: " + emulator.baseUri(),
                "auth: {type: token, token: cli-token}",
                "skus:",
                "  email: {sku_id: " + emailSku + "}",
                "  request: {sku_id: sku-request}",
                ""));
        return OdometerCli.run(new PrintWriter(out, true), new PrintWriter(err, true),
                "validate", "--config", config.toString());
    }

    @Test
    void goodConfigPassesAndWritesNoUsage() throws Exception {
        assertThat(validate("demo-product", "sku-email")).as("%s%s", out, err).isZero();

        assertThat(out.toString()).contains("OK").contains("2 SKUs");
        assertThat(emulator.ledger().acceptedCount()).isZero();
    }

    @Test
    void wrongSkuIdIsNamedWithItsAliasAndFails() throws Exception {
        assertThat(validate("demo-product", "sku-nope")).isEqualTo(1);

        assertThat(out.toString()).contains("email").contains("sku-nope")
                .contains("INVALID_SKU_ID");
        assertThat(out.toString()).doesNotContain("cli-token");
    }

    @Test
    void wrongProductFails() throws Exception {
        assertThat(validate("no-such-product", "sku-email")).isEqualTo(1);

        assertThat(out.toString()).contains("INVALID_PRODUCT_ID");
    }

    @Test
    void forbiddenSaysWhatTheServiceAccountLacks() throws Exception {
        Path config = Files.writeString(dir.resolve("odometer.yaml"), String.join("\n",
                "marketplace: yandex", "product_id: demo-product", "endpoint: " + emulator.baseUri(),
                "auth: {type: token, token: cli-token}", "skus:", "  email: {sku_id: sku-email}", ""));
        emulator.faults().set(FaultSettings.none().withForbidden(true));

        int exit = OdometerCli.run(new PrintWriter(out, true), new PrintWriter(err, true),
                "validate", "--config", config.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(out.toString() + err).contains("403");
    }

    @Test
    void brokenConfigExitsTwoWithTheFileLineAndKey() throws Exception {
        Path config = Files.writeString(dir.resolve("odometer.yaml"),
                "marketplace: yandex\nproduct_idd: x\n");

        int exit = OdometerCli.run(new PrintWriter(out, true), new PrintWriter(err, true),
                "validate", "--config", config.toString());

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains("odometer.yaml:2: product_idd: unknown key");
    }
}
