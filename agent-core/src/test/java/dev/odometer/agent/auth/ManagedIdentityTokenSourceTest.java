package dev.odometer.agent.auth;

import static dev.odometer.agent.auth.AadClientCredentialsTokenSourceTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.odometer.agent.marketplace.HttpClients;
import java.net.ServerSocket;
import java.net.URI;
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

class ManagedIdentityTokenSourceTest {
    private static final OkHttpClient HTTP = HttpClients.create();
    private final FakeTime time = new FakeTime(Instant.parse("2025-01-01T00:00:00Z"));
    private MockWebServer server;
    private ManagedIdentityTokenSource tokens;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        tokens = new ManagedIdentityTokenSource(HTTP, server.url("/").uri(), null, time, time);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** IMDS's answer: numbers as JSON strings, expires_on in epoch seconds. */
    private MockResponse imdsToken(String token, long lifetimeSeconds) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", token);
        body.put("refresh_token", "");
        body.put("expires_in", Long.toString(lifetimeSeconds));
        body.put("expires_on", Long.toString(time.instant().getEpochSecond() + lifetimeSeconds));
        body.put("not_before", Long.toString(time.instant().getEpochSecond()));
        body.put("resource", AadTokens.METERING_RESOURCE);
        body.put("token_type", "Bearer");
        return json(200, body);
    }

    private RecordedRequest take() throws InterruptedException {
        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(request).as("a request reached the metadata service").isNotNull();
        return request;
    }

    @Test
    void asksTheMetadataServiceWithTheMetadataHeaderForTheMeteringResource() throws Exception {
        server.enqueue(imdsToken("mi-token-1", 86_399));

        assertThat(tokens.token()).isEqualTo("mi-token-1");

        RecordedRequest request = take();
        assertThat(request.getMethod()).isEqualTo("GET");
        assertThat(request.getUrl().encodedPath()).isEqualTo("/metadata/identity/oauth2/token");
        assertThat(request.getUrl().queryParameterNames())
                .containsExactlyInAnyOrder("api-version", "resource");
        assertThat(request.getUrl().queryParameter("api-version")).isEqualTo("2018-02-01");
        assertThat(request.getUrl().queryParameter("resource"))
                .isEqualTo("20e940b3-4c77-4b0b-9a53-9e16a1b010a7");
        assertThat(request.getHeaders().get("Metadata")).isEqualTo("true");
    }

    @Test
    void aUserAssignedIdentityIsNamedByItsClientId() throws Exception {
        ManagedIdentityTokenSource userAssigned = new ManagedIdentityTokenSource(HTTP,
                server.url("/").uri(), "mi-client-7", time, time);
        server.enqueue(imdsToken("mi-token-1", 3600));

        userAssigned.token();

        assertThat(take().getUrl().queryParameter("client_id")).isEqualTo("mi-client-7");
        assertThat(userAssigned.describe()).contains("user-assigned managed identity mi-client-7");
        assertThat(tokens.describe()).contains("system-assigned managed identity")
                .contains("/metadata/identity/oauth2/token").doesNotContain("api-version");
    }

    @Test
    void cachedThenRefreshedAheadOfExpiry() throws Exception {
        server.enqueue(imdsToken("mi-token-1", 3600));
        server.enqueue(imdsToken("mi-token-2", 3600));

        for (int i = 0; i < 10; i++) {
            assertThat(tokens.token()).isEqualTo("mi-token-1");
        }
        time.advance(Duration.ofMinutes(54).plusSeconds(59));
        assertThat(tokens.token()).isEqualTo("mi-token-1");
        assertThat(server.getRequestCount()).isEqualTo(1);

        time.advance(Duration.ofSeconds(1));
        assertThat(tokens.token()).isEqualTo("mi-token-2");
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void expiresOnAloneGivesTheLifetime() throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", "mi-token-1");
        body.put("expires_on", time.instant().getEpochSecond() + 200);
        server.enqueue(json(200, body));
        server.enqueue(imdsToken("mi-token-2", 3600));
        tokens.token();

        time.advance(Duration.ofSeconds(179));
        assertThat(tokens.token()).isEqualTo("mi-token-1");
        time.advance(Duration.ofSeconds(1));
        assertThat(tokens.token()).isEqualTo("mi-token-2");
    }

    @Test
    void noIdentityIsAClearError() throws Exception {
        server.enqueue(json(400, Map.of("error", "invalid_request",
                "error_description", "Identity not found")));

        AuthException e = catchThrowableOfType(AuthException.class, tokens::token);

        assertThat(e).hasMessageContaining("HTTP 400")
                .hasMessageContaining("invalid_request: Identity not found")
                .hasMessageContaining("system-assigned managed identity")
                .hasMessageContaining(server.getHostName());
    }

    @Test
    void anUnreachableMetadataServiceIsAClearError() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        ManagedIdentityTokenSource nowhere = new ManagedIdentityTokenSource(HTTP,
                URI.create("http://127.0.0.1:" + port), null, time, time);

        AuthException e = catchThrowableOfType(AuthException.class, nowhere::token);

        assertThat(e).hasMessageContaining("metadata service")
                .hasMessageContaining("127.0.0.1:" + port).hasMessageContaining("Azure");
    }

    @Test
    void anAnswerWithoutATokenIsAnErrorThatDoesNotQuoteTheBody() throws Exception {
        server.enqueue(json(200, Map.of("token_type", "Bearer", "refresh_token", "mi-secret")));

        AuthException e = catchThrowableOfType(AuthException.class, tokens::token);

        assertThat(e).hasMessageContaining("without an access_token");
        assertThat(e.getMessage()).doesNotContain("mi-secret");
    }
}
