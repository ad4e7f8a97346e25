package dev.odometer.agent.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.odometer.agent.marketplace.HttpClients;
import dev.odometer.agent.testing.LogCapture;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AadClientCredentialsTokenSourceTest {
    private static final OkHttpClient HTTP = HttpClients.create();
    private static final String SECRET = "canary-client-secret~value";
    private final FakeTime time = new FakeTime(Instant.parse("2025-01-01T00:00:00Z"));
    private MockWebServer server;
    private AadClientCredentialsTokenSource tokens;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        tokens = source(server.url("/").uri());
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private AadClientCredentialsTokenSource source(URI login) {
        return new AadClientCredentialsTokenSource(HTTP, "tenant-1", "client-1",
                Secret.of(SECRET), login, time, time);
    }

    static MockResponse json(int code, Map<String, ?> body) throws Exception {
        return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json")
                .body(JSON.std.asString(body)).build();
    }

    /** AAD's v1 answer: every number a JSON string. */
    static MockResponse aadToken(String token, String expiresIn) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("token_type", "Bearer");
        body.put("expires_in", expiresIn);
        body.put("ext_expires_in", expiresIn);
        body.put("resource", AadTokens.METERING_RESOURCE);
        body.put("access_token", token);
        return json(200, body);
    }

    static Map<String, String> form(RecordedRequest request) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : request.getBody().utf8().split("&")) {
            int eq = pair.indexOf('=');
            form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return form;
    }

    private RecordedRequest take() throws InterruptedException {
        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(request).as("a request reached AAD").isNotNull();
        return request;
    }

    @Test
    void postsTheClientCredentialsFormForTheMeteringResource() throws Exception {
        server.enqueue(aadToken("aad-token-1", "3599"));

        assertThat(tokens.token()).isEqualTo("aad-token-1");

        RecordedRequest request = take();
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getUrl().encodedPath()).isEqualTo("/tenant-1/oauth2/token");
        assertThat(request.getUrl().query()).isNull();
        assertThat(request.getHeaders().get("Content-Type"))
                .startsWith("application/x-www-form-urlencoded");
        assertThat(form(request)).containsExactly(
                Map.entry("grant_type", "client_credentials"),
                Map.entry("client_id", "client-1"),
                Map.entry("client_secret", SECRET),
                Map.entry("resource", "20e940b3-4c77-4b0b-9a53-9e16a1b010a7"));
        assertThat(request.getHeaders().get("Authorization")).isNull();
    }

    @Test
    void aLoginEndpointWithAPathKeepsIt() throws Exception {
        AadClientCredentialsTokenSource prefixed = source(server.url("/aad/").uri());
        server.enqueue(aadToken("aad-token-1", "3599"));

        prefixed.token();

        assertThat(take().getUrl().encodedPath()).isEqualTo("/aad/tenant-1/oauth2/token");
    }

    @Test
    void oneFetchForManyCallsThenARefreshFiveMinutesAheadOfExpiry() throws Exception {
        server.enqueue(aadToken("aad-token-1", "3599"));
        server.enqueue(aadToken("aad-token-2", "3599"));

        for (int i = 0; i < 20; i++) {
            assertThat(tokens.token()).isEqualTo("aad-token-1");
            time.advance(Duration.ofMinutes(2));
        }
        assertThat(server.getRequestCount()).isEqualTo(1);

        time.advance(Duration.ofSeconds(3299 - 40 * 60 - 1)); // one second before 3599 - 300
        assertThat(tokens.token()).isEqualTo("aad-token-1");
        time.advance(Duration.ofSeconds(1));
        assertThat(tokens.token()).isEqualTo("aad-token-2");
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void expiresInMayBeANumber() throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", "aad-token-1");
        body.put("expires_in", 600);
        server.enqueue(json(200, body));
        server.enqueue(aadToken("aad-token-2", "600"));
        tokens.token();

        time.advance(Duration.ofSeconds(539));
        assertThat(tokens.token()).isEqualTo("aad-token-1");
        time.advance(Duration.ofSeconds(1));
        assertThat(tokens.token()).isEqualTo("aad-token-2");
    }

    @Test
    void withoutExpiresInTheLifetimeComesFromExpiresOn() throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", "aad-token-1");
        body.put("expires_on", Long.toString(time.instant().getEpochSecond() + 600));
        server.enqueue(json(200, body));
        server.enqueue(aadToken("aad-token-2", "3599"));
        tokens.token();

        time.advance(Duration.ofSeconds(539));
        assertThat(tokens.token()).isEqualTo("aad-token-1");
        time.advance(Duration.ofSeconds(1));
        assertThat(tokens.token()).isEqualTo("aad-token-2");
    }

    @Test
    void invalidateMakesTheNextCallFetch() throws Exception {
        server.enqueue(aadToken("aad-token-1", "3599"));
        server.enqueue(aadToken("aad-token-2", "3599"));
        tokens.token();

        tokens.invalidate();

        assertThat(tokens.token()).isEqualTo("aad-token-2");
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void aRefusedClientIsAClearErrorQuotingAadButNeverTheSecret() throws Exception {
        server.enqueue(json(401, Map.of("error", "invalid_client", "error_description",
                "AADSTS7000215: Invalid client secret provided.\r\nTrace ID: 1234")));

        AuthException e = catchThrowableOfType(AuthException.class, tokens::token);

        assertThat(e).hasMessageContaining("HTTP 401")
                .hasMessageContaining("invalid_client: AADSTS7000215: Invalid client secret"
                        + " provided. Trace ID: 1234")
                .hasMessageContaining("client client-1 of tenant tenant-1")
                .hasMessageContaining(server.getHostName());
        assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain("\n");
    }

    @Test
    void anAnswerQuotingTheSecretIsLeftOut() throws Exception {
        server.enqueue(json(400, Map.of("error", "invalid_request", "error_description",
                "client_secret=" + SECRET + " is malformed")));

        AuthException e = catchThrowableOfType(AuthException.class, tokens::token);

        assertThat(e).hasMessageContaining("HTTP 400");
        assertThat(e.getMessage()).doesNotContain(SECRET).doesNotContain("malformed");
    }

    @Test
    void aFailedRefreshKeepsTheValidTokenAndLogsNoSecret() throws Exception {
        server.enqueue(aadToken("aad-token-1", "3599"));
        server.enqueue(json(401, Map.of("error", "invalid_client", "error_description",
                "bad secret " + SECRET)));
        tokens.token();

        try (LogCapture log = new LogCapture("dev.odometer.agent.auth")) {
            time.advance(Duration.ofMinutes(56));

            assertThat(tokens.token()).isEqualTo("aad-token-1");

            assertThat(log.lines).singleElement().asString().startsWith("[odometer] ")
                    .contains("HTTP 401").contains("client-1")
                    .doesNotContain(SECRET).doesNotContain("aad-token-1");
        }
    }

    @Test
    void anAnswerWithoutATokenIsAnErrorThatDoesNotQuoteIt() throws Exception {
        String whole = JSON.std.asString(Map.of("access_token", "half-a-secret-token",
                "expires_in", "3599"));
        server.enqueue(new MockResponse.Builder().body(whole.substring(0, whole.length() - 1))
                .build());

        AuthException e = catchThrowableOfType(AuthException.class, tokens::token);

        assertThat(e).hasMessageContaining("without an access_token").hasNoCause();
        assertThat(e.getMessage()).doesNotContain("half-a-secret");
    }

    @Test
    void anUnreachableLoginEndpointIsAClearError() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        AadClientCredentialsTokenSource nowhere = source(URI.create("http://127.0.0.1:" + port));

        AuthException e = catchThrowableOfType(AuthException.class, nowhere::token);

        assertThat(e).hasMessageContaining("127.0.0.1:" + port + "/tenant-1/oauth2/token")
                .hasMessageContaining("client-1");
        assertThat(e.getMessage()).doesNotContain(SECRET);
    }

    @Test
    void describeNamesClientTenantAndEndpointButNeverTheSecret() {
        assertThat(tokens.describe()).startsWith("AAD client client-1 of tenant tenant-1 at ")
                .contains("/tenant-1/oauth2/token").doesNotContain(SECRET);
        assertThat(tokens.toString()).doesNotContain(SECRET);
        assertThat(new AadClientCredentialsTokenSource(HTTP, "t", "c", Secret.of("s"))
                .describe()).isEqualTo(
                        "AAD client c of tenant t at"
                                + " https://login.microsoftonline.com/t/oauth2/token");
    }

    @Test
    void missingSettingsAreRefusedWithoutEchoingTheSecret() {
        assertThatThrownBy(() -> new AadClientCredentialsTokenSource(HTTP, " ", "c",
                Secret.of(SECRET))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tenant").hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> new AadClientCredentialsTokenSource(HTTP, "t", "",
                Secret.of(SECRET))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("client id");
        assertThatThrownBy(() -> new AadClientCredentialsTokenSource(HTTP, "t", "c",
                Secret.of("  "))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("secret");
    }
}
