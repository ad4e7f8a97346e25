package dev.odometer.agent.auth;

import dev.odometer.agent.testing.LogCapture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.odometer.agent.marketplace.HttpClients;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class MetadataTokenSourceTest {
    private static final OkHttpClient HTTP = HttpClients.create();
    private final FakeTime time = new FakeTime(Instant.parse("2025-01-01T00:00:00Z"));
    private MockWebServer server;
    private MetadataTokenSource tokens;

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
        tokens = new MetadataTokenSource(HTTP, server.url("/").uri(), time);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private static MockResponse token(String token, long expiresIn) {
        return new MockResponse.Builder().setHeader("Content-Type", "application/json")
                .body("{\"access_token\":\"" + token + "\",\"expires_in\":" + expiresIn
                        + ",\"token_type\":\"Bearer\"}")
                .build();
    }

    @Test
    void asksTheMetadataServiceWithTheFlavorHeader() throws Exception {
        server.enqueue(token("t1.secret-iam-token", 43_199));

        assertThat(tokens.token()).isEqualTo("t1.secret-iam-token");

        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(request.getMethod()).isEqualTo("GET");
        assertThat(request.getUrl().encodedPath()).isEqualTo(
                "/computeMetadata/v1/instance/service-accounts/default/token");
        assertThat(request.getHeaders().get("Metadata-Flavor")).isEqualTo("Google");
    }

    @Test
    void oneFetchForManyCallsThenARefreshAheadOfExpiry() throws Exception {
        server.enqueue(token("first-token", 3600));
        server.enqueue(token("second-token", 3600));

        for (int i = 0; i < 50; i++) {
            assertThat(tokens.token()).isEqualTo("first-token");
        }
        assertThat(server.getRequestCount()).isEqualTo(1);

        time.advance(Duration.ofMinutes(55));

        assertThat(tokens.token()).isEqualTo("second-token");
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void aFailedRefreshKeepsTheValidTokenWithoutLeakingIt() throws Exception {
        server.enqueue(token("first-token", 3600));
        server.enqueue(new MockResponse.Builder().code(500).body("oops").build());
        tokens.token();

        try (LogCapture log = new LogCapture("dev.odometer.agent.auth")) {
            time.advance(Duration.ofMinutes(56));

            assertThat(tokens.token()).isEqualTo("first-token");

            assertThat(server.getRequestCount()).isEqualTo(2);
            assertThat(log.lines).singleElement().asString().startsWith("[odometer] ")
                    .contains("HTTP 500").doesNotContain("first-token");
        }
    }

    @Test
    void snakeAndCamelCaseAndStringNumbersAreAccepted() throws Exception {
        server.enqueue(new MockResponse.Builder()
                .body("{\"accessToken\":\"camel-token\",\"expiresIn\":\"3600\"}").build());

        assertThat(tokens.token()).isEqualTo("camel-token");
    }

    @Test
    void invalidateMakesTheNextCallFetch() throws Exception {
        server.enqueue(token("first-token", 3600));
        server.enqueue(token("second-token", 3600));
        tokens.token();

        tokens.invalidate();

        assertThat(tokens.token()).isEqualTo("second-token");
    }

    @Test
    void noServiceAccountIsAClearError() {
        server.enqueue(new MockResponse.Builder().code(404).body("not found").build());

        AuthException e = catchThrowableOfType(AuthException.class, tokens::token);

        assertThat(e).hasMessageContaining("HTTP 404")
                .hasMessageContaining("service account attached")
                .hasMessageContaining(server.getHostName());
    }

    @Test
    void anAnswerWithoutATokenIsAnErrorThatDoesNotQuoteIt() {
        server.enqueue(new MockResponse.Builder()
                .body("{\"access_token\":\"half-a-secret-token\", oops").build());

        AuthException e = catchThrowableOfType(AuthException.class, tokens::token);

        assertThat(e).hasMessageContaining("without an access_token")
                .hasNoCause();
        assertThat(e.getMessage()).doesNotContain("half-a-secret");
    }

    @Test
    void anUnreachableMetadataServiceIsAClearError() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        MetadataTokenSource nowhere = new MetadataTokenSource(HTTP,
                URI.create("http://127.0.0.1:" + port), time);

        AuthException e = catchThrowableOfType(AuthException.class, nowhere::token);

        assertThat(e).hasMessageContaining("instance metadata service")
                .hasMessageContaining("127.0.0.1:" + port);
        assertThat(nowhere.describe()).contains("metadata").contains("127.0.0.1:" + port);
    }
}
