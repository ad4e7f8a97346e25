package dev.odometer.agent.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {
    private static final Path FILE = Paths.get("/etc/odometer/odometer.yaml");

    @TempDir
    Path dir;

    private static OdometerConfig parse(String... lines) throws ConfigException {
        return ConfigLoader.parse(FILE, String.join("\n", lines) + "\n");
    }

    private static String error(String... lines) {
        try {
            parse(lines);
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected the config to be rejected");
    }

    @Test
    void readsTheDocumentedShape() throws Exception {
        Path key = Files.writeString(dir.resolve("authorized_key.json"), "{}");
        OdometerConfig config = ConfigLoader.parse(dir.resolve("odometer.yaml"), String.join("\n",
                "marketplace: yandex",
                "product_id: \"f2e0example\"",
                "endpoint: https://marketplace.api.cloud.yandex.net",
                "auth:",
                "  type: key-file",
                "  key_file: authorized_key.json",
                "  iam_endpoint: https://iam.api.cloud.yandex.net",
                "flush_interval: 60s",
                "journal_dir: /var/lib/odometer",
                "skus:",
                "  email:",
                "    sku_id: dn21df4qvqhbexample",
                "  request:",
                "    sku_id: dn2ab3example",
                "    methods:",
                "      - com.acme.api.ApiHandler#handle",
                ""));

        assertThat(config.marketplace()).isEqualTo(Marketplace.YANDEX);
        assertThat(config.productId()).isEqualTo("f2e0example");
        assertThat(config.endpoint()).isEqualTo(URI.create("https://marketplace.api.cloud.yandex.net"));
        assertThat(config.auth().type()).isEqualTo(AuthType.KEY_FILE);
        assertThat(config.auth().keyFile()).isEqualTo(key);
        assertThat(config.flushInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.journalDir()).isEqualTo(Paths.get("/var/lib/odometer"));
        assertThat(config.validateOnStart()).isTrue();
        assertThat(config.skus().keySet()).containsExactly("email", "request");
        assertThat(config.skus().get("request").methods())
                .containsExactly(MethodPattern.parse("com.acme.api.ApiHandler#handle"));
        assertThat(config.skus().get("email").skuId()).isEqualTo("dn21df4qvqhbexample");
    }

    @Test
    void defaultsTheEndpointAndIntervalAndMetadataAuth() throws Exception {
        OdometerConfig config = parse("marketplace: yandex-saas", "product_instance_id: pi1",
                "auth: {type: metadata}", "skus:", "  email: {sku_id: s1}");

        assertThat(config.endpoint()).isEqualTo(Marketplace.YANDEX_SAAS.defaultEndpoint());
        assertThat(config.flushInterval()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.auth().metadataUrl()).isEqualTo(URI.create("http://169.254.169.254"));
        assertThat(config.productInstanceId()).isEqualTo("pi1");
    }

    @Test
    void tokenIsNeverShownByToString() throws Exception {
        OdometerConfig config = parse("marketplace: yandex", "product_id: p",
                "auth: {type: token, token: s3cr3t-token}", "skus:", "  email: {sku_id: s1}");

        assertThat(config.auth().token()).isEqualTo("s3cr3t-token");
        assertThat(config.toString()).doesNotContain("s3cr3t-token").contains("redacted");
    }

    @Test
    void unknownKeyNamesFileLineAndSuggestsTheRightKey() {
        assertThat(error("marketplace: log", "flush_intervall: 60s", "skus:", "  a: {sku_id: s}"))
                .isEqualTo("/etc/odometer/odometer.yaml:2: flush_intervall: unknown key; did you "
                        + "mean 'flush_interval'? Known keys: marketplace, product_id, "
                        + "product_instance_id, endpoint, auth, flush_interval, journal_dir, "
                        + "journal_max_bytes, shutdown_timeout, in_doubt_policy, "
                        + "validate_on_start, resource_id, resource_uri, plan_id, skus, cluster.");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "marketplace: aws|1: marketplace: 'aws' is not supported",
        "marketplace: yandex|1: product_id: is required: the image product id",
    })
    void marketplaceProblems(String line, String expected) {
        assertThat(error(line, "auth: {type: metadata}", "skus:", "  a: {sku_id: s}"))
                .contains(expected);
    }

    @Test
    void missingSkuIdNamesTheNestedKey() {
        assertThat(error("marketplace: yandex", "product_id: p", "auth: {type: metadata}",
                "skus:", "  email:", "    methods: [com.acme.A#b]"))
                .startsWith("/etc/odometer/odometer.yaml:6: skus.email.sku_id: is required");
    }

    @Test
    void badMethodPatternNamesItsLine() {
        assertThat(error("marketplace: log", "skus:", "  email:", "    methods:",
                "      - com.acme.Mailer.send"))
                .startsWith("/etc/odometer/odometer.yaml:5: skus.email.methods: "
                        + "'com.acme.Mailer.send' is not of the form");
    }

    @Test
    void aMethodBillsOneSku() {
        assertThat(error("marketplace: log", "skus:", "  a:", "    methods: [com.acme.M#x]",
                "  b:", "    methods: [com.acme.M#x]"))
                .contains(":6: skus.b.methods: com.acme.M#x is already metered for SKU 'a'");
    }

    @Test
    void azureAliasesMayShareADimensionTheirUnitsAreSummedPerHour() throws Exception {
        OdometerConfig config = parse("marketplace: azure", "resource_id: sub", "plan_id: gold",
                "auth: {type: managed-identity}", "skus:", "  email: {dimension: emails}",
                "  newsletter: {dimension: emails}");

        assertThat(config.skus().values()).extracting(SkuConfig::skuId)
                .containsExactly("emails", "emails");
    }

    @Test
    void plainHttpOnlyToLoopback() throws Exception {
        assertThat(error("marketplace: yandex", "product_id: p",
                "endpoint: http://marketplace.example.com", "auth: {type: metadata}", "skus:",
                "  a: {sku_id: s}"))
                .contains(":3: endpoint: plain http is only allowed to a loopback address");
        assertThat(parse("marketplace: yandex", "product_id: p", "endpoint: http://127.0.0.1:8080/",
                "auth: {type: metadata}", "skus:", "  a: {sku_id: s}").endpoint())
                .isEqualTo(URI.create("http://127.0.0.1:8080"));
    }

    @ParameterizedTest
    @CsvSource({"127.evil.example", "127.0.0.1.nip.io", "localhost.evil.example",
            "[::2]", "[::ffff:8.8.8.8]", "[::ffff:127.0.0.1]"})
    void plainHttpIsRefusedToHostsThatOnlyLookLikeLoopback(String host) {
        assertThat(error("marketplace: yandex", "product_id: p",
                "endpoint: http://" + host + ":8080", "auth: {type: metadata}", "skus:",
                "  a: {sku_id: s}"))
                .contains(":3: endpoint: plain http is only allowed to a loopback address");
    }

    @ParameterizedTest
    @CsvSource({"127.0.0.1", "127.1.2.3", "127.255.255.254", "localhost", "LocalHost", "[::1]",
            "[0:0:0:0:0:0:0:1]"})
    void plainHttpIsAllowedToLoopbackLiteralsAndLocalhost(String host) throws Exception {
        assertThat(parse("marketplace: yandex", "product_id: p",
                "endpoint: http://" + host + ":8080", "auth: {type: metadata}", "skus:",
                "  a: {sku_id: s}").endpoint().getHost()).isEqualTo(host);
    }

    @ParameterizedTest
    @CsvSource({"500ms,PT0.5S", "60s,PT1M", "5m,PT5M"})
    void durationsTakeUnits(String text, Duration expected) throws Exception {
        assertThat(parse("marketplace: log", "flush_interval: " + text, "skus:", "  a: {}")
                .flushInterval()).isEqualTo(expected);
    }

    @Test
    void durationWithoutUnitOrTooLongIsRejected() {
        assertThat(error("marketplace: log", "flush_interval: 60", "skus:", "  a: {}"))
                .contains(":2: flush_interval: '60' is not a duration");
        assertThat(error("marketplace: log", "flush_interval: 2h", "skus:", "  a: {}"))
                .contains(":2: flush_interval: must be between 10ms and 30m");
    }

    @Test
    void journalBoundShutdownTimeoutAndInDoubtPolicyHaveDefaultsAndUnits() throws Exception {
        OdometerConfig defaults = parse("marketplace: log", "skus:", "  a: {}");
        assertThat(defaults.journalMaxBytes()).isEqualTo(64L << 20);
        assertThat(defaults.shutdownTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(defaults.inDoubtPolicy()).isEqualTo(InDoubtPolicy.DROP);

        OdometerConfig set = parse("marketplace: log", "journal_max_bytes: 512KiB",
                "shutdown_timeout: 30s", "in_doubt_policy: rebill", "skus:", "  a: {}");
        assertThat(set.journalMaxBytes()).isEqualTo(512L << 10);
        assertThat(set.shutdownTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(set.inDoubtPolicy()).isEqualTo(InDoubtPolicy.REBILL);
    }

    @Test
    void journalSettingsAreValidated() {
        assertThat(error("marketplace: log", "journal_max_bytes: 10KiB", "skus:", "  a: {}"))
                .contains(":2: journal_max_bytes: '10KiB' is not a size of at least 64KiB");
        assertThat(error("marketplace: log", "in_doubt_policy: maybe", "skus:", "  a: {}"))
                .contains(":2: in_doubt_policy: 'maybe' is not a policy: use drop");
        assertThat(error("marketplace: log", "shutdown_timeout: 1h", "skus:", "  a: {}"))
                .contains(":2: shutdown_timeout: '1h' is not a duration of at most 5m");
    }

    @Test
    void readsAnAzureConfig() throws Exception {
        OdometerConfig config = parse("marketplace: azure", "resource_id: sub-1",
                "plan_id: gold", "auth:", "  type: client-credentials", "  tenant_id: t",
                "  client_id: c", "  client_secret_env: AZ_SECRET", "skus:",
                "  email: {dimension: emails-sent}");

        assertThat(config.azure().resourceId()).isEqualTo("sub-1");
        assertThat(config.azure().resourceUri()).isNull();
        assertThat(config.azure().planId()).isEqualTo("gold");
        assertThat(config.endpoint()).isEqualTo(Marketplace.AZURE.defaultEndpoint());
        assertThat(config.azureAuth().managedIdentity()).isFalse();
        assertThat(config.azureAuth().clientSecretEnv()).isEqualTo("AZ_SECRET");
        assertThat(config.skus().get("email").skuId()).isEqualTo("emails-sent");
    }

    @Test
    void azureNeedsOneResourceAPlanAndDimensions() {
        String auth = "auth: {type: managed-identity}";
        assertThat(error("marketplace: azure", "plan_id: p", auth, "skus:",
                "  email: {dimension: d}")).contains("resource_id: give exactly one of "
                + "resource_id");
        assertThat(error("marketplace: azure", "resource_id: r", "resource_uri: u",
                "plan_id: p", auth, "skus:", "  email: {dimension: d}"))
                .contains("give exactly one of resource_id");
        assertThat(error("marketplace: azure", "resource_id: r", auth, "skus:",
                "  email: {dimension: d}")).contains("plan_id: is required");
        assertThat(error("marketplace: azure", "resource_id: r", "plan_id: p", auth, "skus:",
                "  email: {sku_id: d}")).contains("skus.email.sku_id: unknown key. Known keys "
                + "under skus.email: dimension, methods.");
        assertThat(error("marketplace: azure", "resource_id: r", "plan_id: p",
                "auth: {type: client-credentials, tenant_id: t, client_id: c}", "skus:",
                "  email: {dimension: d}")).contains("give exactly one of client_secret_env");
        assertThat(error("marketplace: yandex", "product_id: p", "plan_id: x",
                "auth: {type: metadata}", "skus:", "  a: {sku_id: s}"))
                .contains("plan_id: is for marketplace: azure");
    }

    @Test
    void azureClientSecretIsNeverShown() throws Exception {
        OdometerConfig config = parse("marketplace: azure", "resource_id: r", "plan_id: p",
                "auth: {type: client-credentials, tenant_id: t, client_id: c, "
                        + "client_secret: sup3r-s3cret}", "skus:", "  a: {dimension: d}");

        assertThat(config.azureAuth().toString()).doesNotContain("sup3r-s3cret")
                .contains("redacted");
    }

    @Test
    void tokenAuthNeedsASource() {
        assertThat(error("marketplace: yandex", "product_id: p", "auth:", "  type: token",
                "skus:", "  a: {sku_id: s}"))
                .contains(":4: auth.type: type token needs 'token_env: VARIABLE'");
    }

    @Test
    void keyFileMustExist() {
        assertThat(error("marketplace: yandex", "product_id: p", "auth:", "  type: key-file",
                "  key_file: /nonexistent/key.json", "skus:", "  a: {sku_id: s}"))
                .contains(":5: auth.key_file: /nonexistent/key.json does not exist");
    }

    @Test
    void invalidYamlNamesTheLine() {
        assertThat(error("marketplace: log", "skus:", "  a: {sku_id: s", "  b: x"))
                .startsWith("/etc/odometer/odometer.yaml:").contains("not valid YAML");
    }

    @Test
    void duplicateKeysAreRejected() {
        assertThat(error("marketplace: log", "skus:", "  a: {}", "marketplace: log"))
                .contains(":4: marketplace: appears twice");
    }

    @Test
    void productIdLongerThanTheApiAllowsIsRejected() {
        assertThat(error("marketplace: yandex", "product_id: " + "x".repeat(51),
                "auth: {type: metadata}", "skus:", "  a: {sku_id: s}"))
                .contains(":2: product_id: is 51 characters long");
    }

    @Test
    void missingFileSaysHowToPassThePath() {
        assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("absent.yaml")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("absent.yaml: config file not found")
                .hasMessageContaining("config=PATH");
    }
}
