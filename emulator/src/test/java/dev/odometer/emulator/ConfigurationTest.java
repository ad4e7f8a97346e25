package dev.odometer.emulator;

import static dev.odometer.emulator.YandexRequests.IMAGE;
import static dev.odometer.emulator.YandexRequests.uuid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The config file, the command line, and the defaults they change. */
class ConfigurationTest {

    @TempDir
    Path dir;

    @Test
    void defaultsAreTheDemoMarketplace() {
        Catalog catalog = EmulatorSettings.defaults().catalog();

        assertThat(catalog.products()).containsEntry("demo-product",
                java.util.Set.of("sku-email", "sku-request", "sku-storage"));
        assertThat(catalog.saasInstances()).containsEntry("demo-instance", "demo-product");
        assertThat(catalog.staticTokens()).containsExactly("demo-token");
        assertThat(catalog.azureResources()).containsKey("demo-subscription");
        assertThat(catalog.azurePlans().get("demo-plan")).containsExactly("email", "request");
        assertThat(catalog.aadClients()).containsEntry("demo-client", "demo-secret");
        assertThat(EmulatorSettings.defaults().port()).isEqualTo(8080);
    }

    @Test
    void yamlFileReplacesTheSectionsItHasAndKeepsTheOthers() throws IOException {
        AuthorizedKeys.GeneratedKey key = AuthorizedKeys.generate("sa-yaml", "key-yaml");
        Path file = dir.resolve("emulator.yaml");
        Files.writeString(file, """
                server:
                  port: 0
                  seed: 9
                  futureToleranceSeconds: 5
                  iamTokenLifetimeSeconds: 600
                yandex:
                  products:
                    - id: mail-product
                      skus: [sku-sent, sku-stored]
                  saasInstances:
                    - id: mail-instance
                      product: mail-product
                  serviceAccountKeys:
                    - keyId: key-yaml
                      serviceAccountId: sa-yaml
                      publicKey: |
                %s
                staticTokens: [yaml-token]
                faults:
                  latencyMs: 3
                  clockOffsetSeconds: 120
                """.formatted(key.publicKeyPem().indent(8).stripTrailing()));

        EmulatorSettings settings = EmulatorSettings.defaults().withConfigFile(file);

        assertThat(settings.port()).isZero();
        assertThat(settings.seed()).isEqualTo(9);
        assertThat(settings.futureTolerance()).isEqualTo(Duration.ofSeconds(5));
        assertThat(settings.iamTokenLifetime()).isEqualTo(Duration.ofMinutes(10));
        assertThat(settings.catalog().products()).containsOnlyKeys("mail-product");
        assertThat(settings.catalog().saasInstances()).containsOnlyKeys("mail-instance");
        assertThat(settings.catalog().serviceAccountKeys().get("key-yaml").publicKey()).isEqualTo(key.publicKey());
        assertThat(settings.catalog().staticTokens()).containsExactly("yaml-token");
        assertThat(settings.catalog().azureResources()).containsOnlyKeys("demo-subscription"); // no azure section
        assertThat(settings.faults().latencyMs()).isEqualTo(3);
        assertThat(settings.clockOffset()).isEqualTo(Duration.ofSeconds(120));

        try (MarketplaceEmulator emu = MarketplaceEmulator.start(settings)) {
            EmulatorClient client = new EmulatorClient(emu.baseUri());
            var reply = client.postJson(IMAGE, "yaml-token", YandexRequests.image("mail-product")
                    .record(uuid(), "sku-sent", 2, emu.clock().now()).body());
            assertThat(reply.json().get("accepted")).hasSize(1);
            assertThat(client.postJson(IMAGE, "demo-token", YandexRequests.image("mail-product").body()).status())
                    .isEqualTo(401);
            assertThat(client.postJson(YandexIam.TOKENS_PATH, null,
                    EmulatorClient.JSON.createObjectNode().put("jwt", Jwts.valid(key))).status()).isEqualTo(200);
        }
    }

    @Test
    void jsonFileConfiguresAzureAndReadsAnAuthorizedKeyFile() throws IOException {
        AuthorizedKeys.GeneratedKey key = AuthorizedKeys.generate("sa-json", "key-json");
        Files.writeString(dir.resolve("key.json"), key.json());
        Path file = dir.resolve("emulator.json");
        Files.writeString(file, """
                {
                  "yandex": {
                    "products": [{"id": "p1", "skus": ["s1"]}],
                    "serviceAccountKeys": [{"authorizedKeyFile": "key.json"}]
                  },
                  "azure": {
                    "plans": [{"id": "gold", "dimensions": ["api-calls"]}],
                    "resources": [
                      {"id": "sub-1", "plan": "gold"},
                      {"id": "sub-2", "plan": "gold", "active": false, "allowedClients": ["app-1"]}
                    ],
                    "clients": [{"clientId": "app-1", "clientSecret": "s3cret"}]
                  }
                }
                """);

        Catalog catalog = EmulatorSettings.defaults().withConfigFile(file).catalog();

        assertThat(catalog.serviceAccountKeys().get("key-json").serviceAccountId()).isEqualTo("sa-json");
        assertThat(catalog.serviceAccountKeys().get("key-json").publicKey()).isEqualTo(key.publicKey());
        assertThat(catalog.saasInstances()).isEmpty();
        assertThat(catalog.azurePlans()).containsOnlyKeys("gold");
        assertThat(catalog.azureResources().get("sub-1").active()).isTrue();
        assertThat(catalog.azureResources().get("sub-2").active()).isFalse();
        assertThat(catalog.azureResources().get("sub-2").allowedClients()).containsExactly("app-1");
        assertThat(catalog.aadClients()).containsOnly(java.util.Map.entry("app-1", "s3cret"));
        assertThat(catalog.staticTokens()).containsExactly("demo-token");
    }

    @Test
    void authorizedKeyFileWithoutPublicKeyUsesThePrivateKeysPublicHalf() throws IOException {
        AuthorizedKeys.GeneratedKey key = AuthorizedKeys.generate("sa-private", "key-private");
        var json = (com.fasterxml.jackson.databind.node.ObjectNode) EmulatorClient.JSON.readTree(key.json());
        json.remove("public_key");
        Path file = dir.resolve("private-only.json");
        Files.writeString(file, json.toString());

        assertThat(AuthorizedKeyFile.read(file).publicKey()).isEqualTo(key.publicKey());
    }

    @Test
    void typosAndDanglingReferencesAreErrorsNamingTheFile() throws IOException {
        Path typo = dir.resolve("typo.yaml");
        Files.writeString(typo, "yandex:\n  prodcts: []\n");
        Path dangling = dir.resolve("dangling.yaml");
        Files.writeString(dangling, "yandex:\n  saasInstances:\n    - id: i1\n      product: nothing\n");
        Path badFault = dir.resolve("fault.yaml");
        Files.writeString(badFault, "faults:\n  errorRate: 3\n");

        assertThatThrownBy(() -> EmulatorSettings.defaults().withConfigFile(typo))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("typo.yaml").hasMessageContaining("prodcts");
        assertThatThrownBy(() -> EmulatorSettings.defaults().withConfigFile(dangling))
                .hasMessageContaining("unknown product 'nothing'");
        assertThatThrownBy(() -> EmulatorSettings.defaults().withConfigFile(badFault))
                .hasMessageContaining("errorRate");
        assertThatThrownBy(() -> EmulatorSettings.defaults().withConfigFile(dir.resolve("missing.yaml")))
                .hasMessageContaining("missing.yaml");
    }

    @Test
    void commandLineFlagsOverrideTheConfigFileWhateverTheirOrder() throws Exception {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, "server:\n  port: 9000\n  seed: 1\n");

        EmulatorSettings settings = CommandLine.parse(new String[] {
            "--port", "0", "--config", file.toString(), "--error-rate=0.5", "--error-status", "429",
            "--retry-after", "3", "--lost-response-rate", "0.1", "--latency-ms", "20", "--outage", "--forbidden",
            "--clock-offset-seconds", "-60", "--static-token", "extra", "--future-tolerance-seconds", "10"
        }, EmulatorSettings.defaults());

        assertThat(settings.port()).isZero();
        assertThat(settings.seed()).isEqualTo(1);
        assertThat(settings.faults()).isEqualTo(new FaultSettings(0.5, 429, 3, 0.1, 20, true, true));
        assertThat(settings.clockOffset()).isEqualTo(Duration.ofSeconds(-60));
        assertThat(settings.catalog().staticTokens()).contains("demo-token", "extra");
        assertThat(settings.futureTolerance()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void badCommandLinesSayWhatIsWrong() {
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"--prot", "1"}, EmulatorSettings.defaults()))
                .hasMessageContaining("--prot");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"--port"}, EmulatorSettings.defaults()))
                .hasMessageContaining("needs a value");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"--port", "eighty"}, EmulatorSettings.defaults()))
                .hasMessageContaining("not a number");
        assertThatThrownBy(() -> CommandLine.parse(new String[] {"--error-status", "404"}, EmulatorSettings.defaults()))
                .hasMessageContaining("errorStatus");
        assertThat(CommandLine.wantsHelp(new String[] {"--port", "1", "--help"})).isTrue();
    }

    @Test
    void authorizedKeyFlagRegistersTheKeyAndKeygenWritesOne() throws Exception {
        Path keyFile = dir.resolve("key.json");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        int exit = Keygen.run(new String[] {"keygen", "--service-account-id", "sa-cli", "--key-id", "key-cli",
            "--out", keyFile.toString()}, new java.io.PrintStream(out, true), System.err);

        EmulatorSettings settings = CommandLine.parse(new String[] {"--authorized-key", keyFile.toString()},
                EmulatorSettings.defaults());

        assertThat(exit).isZero();
        assertThat(out.toString()).contains("--authorized-key");
        assertThat(settings.catalog().serviceAccountKeys().get("key-cli").serviceAccountId()).isEqualTo("sa-cli");
    }

    @Test
    void clockOffsetFromSettingsIsInForceAtStart() {
        try (MarketplaceEmulator emu = MarketplaceEmulator.start(EmulatorSettings.defaults().withPort(0)
                .withClockOffset(Duration.ofHours(2)))) {
            assertThat(emu.clock().now()).isAfter(Instant.now().plus(Duration.ofMinutes(119)));
        }
    }
}
