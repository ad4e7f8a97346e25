package dev.odometer.agent.marketplace.yandex;

import static dev.odometer.agent.marketplace.yandex.YandexServer.NOW;
import static dev.odometer.agent.marketplace.yandex.YandexServer.json;
import static dev.odometer.agent.testing.MockServers.body;
import static dev.odometer.agent.testing.MockServers.endpoint;
import static dev.odometer.agent.testing.MockServers.take;
import static org.assertj.core.api.Assertions.assertThat;

import dev.odometer.agent.marketplace.HttpClients;
import dev.odometer.agent.marketplace.SkuValidation;
import dev.odometer.agent.marketplace.ValidationReport;
import dev.odometer.agent.marketplace.yandex.YandexMeteringClient.Mode;
import dev.odometer.agent.testing.CountingTokens;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The validate helper against the Yandex client and a fake Yandex API. */
class YandexSkuValidationTest {
    private static final OkHttpClient HTTP = HttpClients.create();
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private final Map<String, String> skus = new LinkedHashMap<>();
    private MockWebServer server;
    private YandexMeteringClient client;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        client = new YandexMeteringClient(HTTP, endpoint(server), Mode.IMAGE, "f2e0example",
                new CountingTokens(), clock);
        skus.put("email", "dn2email");
        skus.put("pdf", "xyz");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** Rejects every record whose skuId is in {@code unknown} with {@code reason}. */
    private void answerRejecting(String reason, String... unknown) {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                StringBuilder accepted = new StringBuilder();
                StringBuilder rejected = new StringBuilder();
                try {
                    for (Map<String, Object> record : YandexServer.usageRecords(request)) {
                        boolean bad = List.of(unknown).contains(record.get("skuId"));
                        StringBuilder into = bad ? rejected : accepted;
                        into.append(into.length() == 0 ? "" : ",").append("{\"uuid\":\"")
                                .append(record.get("uuid")).append('"')
                                .append(bad ? ",\"reason\":\"" + reason + "\"" : "")
                                .append('}');
                    }
                } catch (Exception e) {
                    return json(500, "{}");
                }
                return json("{\"accepted\":[" + accepted + "],\"rejected\":[" + rejected + "]}");
            }
        });
    }

    @Test
    void reportsAnUnknownSkuPerAliasFromOneValidateOnlyRequest() throws Exception {
        answerRejecting("INVALID_SKU_ID", "xyz");

        ValidationReport report = SkuValidation.check(client, skus, clock);

        assertThat(report.problems()).containsExactly("SKU alias 'pdf' -> sku_id 'xyz' was"
                + " rejected as INVALID_SKU_ID: check skus.pdf.sku_id in the config against the"
                + " partner dashboard");
        assertThat(report.lines()).contains("SKU alias 'email' -> sku_id 'dn2email': OK");
        assertThat(server.getRequestCount()).isEqualTo(1);
        Map<String, Object> sent = body(take(server));
        assertThat(sent).containsEntry("validateOnly", true);
    }

    @Test
    void reportsAnUnknownProductOnce() {
        answerRejecting("INVALID_PRODUCT_ID", "dn2email", "xyz");

        ValidationReport report = SkuValidation.check(client, skus, clock);

        assertThat(report.problems()).singleElement().asString()
                .contains("image product f2e0example").contains("INVALID_PRODUCT_ID")
                .contains("partner dashboard");
    }

    @Test
    void reportsRejectedCredentials() {
        server.enqueue(json(401, "{}"));
        server.enqueue(json(401, "{}"));

        ValidationReport report = SkuValidation.check(client, skus, clock);

        assertThat(report.problems()).singleElement().asString()
                .startsWith("Credentials rejected (HTTP 401)").contains("test tokens")
                .doesNotContain("secret-token");
    }

    @Test
    void reportsAMissingRole() {
        server.enqueue(json(403, "{\"message\":\"Permission denied\"}"));

        ValidationReport report = SkuValidation.check(client, skus, clock);

        assertThat(report.problems()).singleElement().asString()
                .startsWith("Access denied (HTTP 403)").contains("marketplace.meteringAgent");
        assertThat(report.lines()).contains("SKU alias 'pdf' -> sku_id 'xyz': not checked");
    }
}
