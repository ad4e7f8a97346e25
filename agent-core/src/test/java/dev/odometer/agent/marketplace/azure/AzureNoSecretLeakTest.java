package dev.odometer.agent.marketplace.azure;

import static dev.odometer.agent.marketplace.azure.AzureServer.PLAN;
import static dev.odometer.agent.marketplace.azure.AzureServer.SUBSCRIPTION;
import static dev.odometer.agent.marketplace.azure.AzureServer.answer;
import static dev.odometer.agent.marketplace.azure.AzureServer.error;
import static dev.odometer.agent.marketplace.azure.AzureServer.json;
import static dev.odometer.agent.marketplace.azure.AzureServer.record;
import static dev.odometer.agent.marketplace.azure.AzureServer.result;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.odometer.agent.auth.AadClientCredentialsTokenSource;
import dev.odometer.agent.auth.Secret;
import dev.odometer.agent.marketplace.DeliveryException;
import dev.odometer.agent.marketplace.DeliveryException.Kind;
import dev.odometer.agent.marketplace.HttpClients;
import dev.odometer.agent.marketplace.SendResult;
import dev.odometer.agent.marketplace.azure.AzureMeteringClient.Mode;
import dev.odometer.agent.record.UsageRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the real AAD token source and the Azure client through the 401 and AAD failure paths
 * while capturing every log record of the JVM (all loggers, all levels), and checks that neither
 * the client secret nor any token shows up in a log line, an exception, a reason or a
 * description.
 */
class AzureNoSecretLeakTest {
    private static final OkHttpClient HTTP = HttpClients.create();
    private static final String CLIENT_SECRET = "canary~client~secret~Q8x";
    private static final String FIRST_TOKEN = "eyJ0eXAi.canary-first-aad-token.sig1";
    private static final String SECOND_TOKEN = "eyJ0eXAi.canary-second-aad-token.sig2";
    private static final List<String> SECRETS = List.of(CLIENT_SECRET, FIRST_TOKEN, SECOND_TOKEN,
            "canary-first-aad-token", "canary-second-aad-token");

    private MockWebServer server;
    private final List<String> logLines = new CopyOnWriteArrayList<>();
    private final Logger root = Logger.getLogger("");
    private Level rootLevel;
    private Handler[] rootHandlers;
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            StringBuilder line = new StringBuilder(String.valueOf(record.getMessage()));
            if (record.getParameters() != null) {
                for (Object parameter : record.getParameters()) {
                    line.append(" | ").append(parameter);
                }
            }
            for (Throwable t = record.getThrown(); t != null; t = t.getCause()) {
                line.append(" | ").append(t);
            }
            logLines.add(line.toString());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void start() throws Exception {
        rootLevel = root.getLevel();
        rootHandlers = root.getHandlers();
        for (Handler handler : rootHandlers) {
            root.removeHandler(handler);
        }
        capture.setLevel(Level.ALL);
        root.addHandler(capture);
        root.setLevel(Level.ALL);
        server = new MockWebServer();
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
        root.removeHandler(capture);
        for (Handler handler : rootHandlers) {
            root.addHandler(handler);
        }
        root.setLevel(rootLevel);
    }

    /** AAD answers from {@code aad}, in order; metering always answers {@code metering}. */
    private void serve(List<MockResponse> aad, MockResponse metering) {
        List<MockResponse> aadAnswers = new ArrayList<>(aad);
        server.setDispatcher(new Dispatcher() {
            @Override
            public synchronized MockResponse dispatch(RecordedRequest request) {
                if (request.getUrl().encodedPath().endsWith("/oauth2/token")) {
                    return aadAnswers.isEmpty() ? json(500, Map.of()) : aadAnswers.remove(0);
                }
                return metering;
            }
        });
    }

    private static MockResponse aadToken(String token) {
        return json(Map.of("token_type", "Bearer", "expires_in", "3599", "access_token", token));
    }

    private AadClientCredentialsTokenSource tokens() {
        return new AadClientCredentialsTokenSource(HTTP, "tenant-1", "client-1",
                Secret.of(CLIENT_SECRET), server.url("/").uri());
    }

    private AzureMeteringClient client() {
        return new AzureMeteringClient(HTTP, server.url("/").uri(), Mode.SAAS_SUBSCRIPTION,
                SUBSCRIPTION, PLAN, tokens());
    }

    private DeliveryException sendFails(AzureMeteringClient client) {
        DeliveryException e = catchThrowableOfType(DeliveryException.class,
                () -> client.send(List.of(record("email", 1))));
        assertThat(e).isNotNull();
        return e;
    }

    private void assertNoSecretIn(List<String> texts) {
        assertThat(texts).as("something to check").isNotEmpty();
        for (String text : texts) {
            for (String secret : SECRETS) {
                assertThat(text).as("a log line, exception or description").doesNotContain(secret);
            }
        }
    }

    private List<String> logsAnd(Throwable e, String... more) {
        List<String> texts = new ArrayList<>(logLines);
        for (Throwable t = e; t != null; t = t.getCause()) {
            texts.add(t.toString());
        }
        texts.addAll(List.of(more));
        return texts;
    }

    @Test
    void theUnauthorizedPathLeaksNothing() {
        serve(List.of(aadToken(FIRST_TOKEN), aadToken(SECOND_TOKEN)),
                json(401, error("Unauthorized", "token " + FIRST_TOKEN + " is invalid")));
        AzureMeteringClient client = client();

        DeliveryException e = sendFails(client);

        assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
        assertThat(server.getRequestCount()).as("token, send, token, resend").isEqualTo(4);
        assertNoSecretIn(logsAnd(e, client.describe(), client.toString()));
    }

    @Test
    void aadQuotingTheSecretLeaksNothing() {
        serve(List.of(json(401, Map.of("error", "invalid_client", "error_description",
                "AADSTS7000215: Invalid client secret provided: " + CLIENT_SECRET))),
                json(200, Map.of()));

        DeliveryException e = sendFails(client());

        assertThat(e.kind()).isEqualTo(Kind.AUTH_FAILED);
        assertThat(e.getMessage()).contains("HTTP 401").contains("client-1")
                .contains("tenant-1");
        assertNoSecretIn(logsAnd(e));
    }

    @Test
    void aTruncatedAadAnswerLeaksNothing() throws Exception {
        String whole = JSON.std.asString(Map.of("access_token", FIRST_TOKEN));
        serve(List.of(new MockResponse.Builder()
                .body(whole.substring(0, whole.length() - 3)).build()), // cut inside the token
                json(200, Map.of()));

        DeliveryException e = sendFails(client());

        assertThat(e.kind()).isEqualTo(Kind.AUTH_FAILED);
        assertThat(e.getMessage()).contains("without an access_token");
        assertNoSecretIn(logsAnd(e));
    }

    @Test
    void perEventErrorsQuotingTheTokenLeakNothing() throws Exception {
        UsageRecord email = record("email", 1);
        Map<String, Object> bad = result(email, "BadArgument");
        bad.put("error", error("BadArgument", "authorization Bearer " + FIRST_TOKEN));
        serve(List.of(aadToken(FIRST_TOKEN)), json(answer(List.of(bad))));

        SendResult result = client().send(List.of(email));

        assertNoSecretIn(logsAnd(null, result.reason(email.uuid()).orElseThrow(),
                result.toString()));
    }
}
