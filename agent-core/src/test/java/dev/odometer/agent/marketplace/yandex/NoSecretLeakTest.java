package dev.odometer.agent.marketplace.yandex;

import static dev.odometer.agent.marketplace.yandex.YandexServer.json;
import static dev.odometer.agent.marketplace.yandex.YandexServer.record;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.odometer.agent.auth.KeyFileTokenSource;
import dev.odometer.agent.marketplace.DeliveryException;
import dev.odometer.agent.marketplace.DeliveryException.Kind;
import dev.odometer.agent.marketplace.HttpClients;
import dev.odometer.agent.marketplace.yandex.YandexMeteringClient.Mode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.Base64;
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
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the real key-file token source and client through the 401 and IAM failure paths while
 * capturing every log record of the JVM (all loggers, all levels) and checks that no token,
 * JWT or key material shows up in a log line or an exception.
 */
class NoSecretLeakTest {
    private static final OkHttpClient HTTP = HttpClients.create();

    @TempDir
    Path dir;
    private MockWebServer server;
    private Path keyFile;
    private static String keyBase64;
    private final List<String> secrets = new CopyOnWriteArrayList<>();
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

    @BeforeAll
    static void generateKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keyBase64 = Base64.getEncoder().encodeToString(
                generator.generateKeyPair().getPrivate().getEncoded());
    }

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

        keyFile = dir.resolve("key.json");
        Files.writeString(keyFile, JSON.std.asString(Map.of("id", "ajeKEY",
                "service_account_id", "ajeSA", "private_key",
                "PLEASE DO NOT REMOVE THIS LINE! Yandex.Cloud SA Key ID <ajeKEY>\n"
                        + "-----BEGIN PRIVATE KEY-----\n" + keyBase64
                        + "\n-----END PRIVATE KEY-----\n")));
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

    /** IAM answers from {@code iam}, in order; metering always answers {@code metering}. */
    private void serve(List<MockResponse> iam, MockResponse metering) {
        List<MockResponse> iamAnswers = new ArrayList<>(iam);
        server.setDispatcher(new Dispatcher() {
            @Override
            public synchronized MockResponse dispatch(RecordedRequest request) {
                if (request.getUrl().encodedPath().equals("/iam/v1/tokens")) {
                    try {
                        secrets.add((String) JSON.std.mapFrom(request.getBody().utf8())
                                .get("jwt"));
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return iamAnswers.isEmpty() ? json(500, "{}") : iamAnswers.remove(0);
                }
                return metering;
            }
        });
    }

    private DeliveryException sendFails() {
        YandexMeteringClient client = new YandexMeteringClient(HTTP, server.url("/").uri(),
                Mode.IMAGE, "p", new KeyFileTokenSource(HTTP, keyFile, server.url("/").uri()));
        DeliveryException e = catchThrowableOfType(DeliveryException.class,
                () -> client.send(List.of(record("a", "s", 1))));
        assertThat(e).isNotNull();
        return e;
    }

    private void assertNoSecretAnywhere(Throwable e) {
        List<String> texts = new ArrayList<>(logLines);
        for (Throwable t = e; t != null; t = t.getCause()) {
            texts.add(t.toString());
        }
        List<String> needles = new ArrayList<>(secrets);
        needles.add(keyBase64.substring(100, 140));
        for (String jwt : secrets) {
            if (jwt.contains(".")) {
                needles.add(jwt.substring(jwt.lastIndexOf('.') + 1)); // the signature alone
            }
        }
        assertThat(secrets).as("the scenario handed out secrets").isNotEmpty();
        for (String text : texts) {
            for (String needle : needles) {
                assertThat(text).as("a log line or exception").doesNotContain(needle);
            }
        }
    }

    @Test
    void theUnauthorizedPathLeaksNothing() {
        secrets.add("t1.canary-first-iam-token");
        secrets.add("t1.canary-second-iam-token");
        serve(List.of(
                json("{\"iamToken\":\"t1.canary-first-iam-token\","
                        + "\"expiresAt\":\"2999-01-01T00:00:00Z\"}"),
                json("{\"iamToken\":\"t1.canary-second-iam-token\","
                        + "\"expiresAt\":\"2999-01-01T00:00:00Z\"}")),
                json(401, "{\"message\":\"token t1.canary-first-iam-token is invalid\"}"));

        DeliveryException e = sendFails();

        assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED);
        assertThat(server.getRequestCount()).isEqualTo(4);
        assertNoSecretAnywhere(e);
    }

    @Test
    void iamEchoingTheJwtLeaksNothing() {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String body = request.getBody().utf8();
                try {
                    secrets.add((String) JSON.std.mapFrom(body).get("jwt"));
                } catch (Exception ex) {
                    throw new IllegalStateException(ex);
                }
                return json(400, "{\"message\":\"bad request " + body.replace("\"", "'")
                        + "\"}");
            }
        });

        DeliveryException e = sendFails();

        assertThat(e.kind()).isEqualTo(Kind.AUTH_FAILED);
        assertThat(e.getMessage()).contains("HTTP 400").contains(keyFile.toString());
        assertNoSecretAnywhere(e);
    }

    @Test
    void aTruncatedIamAnswerLeaksNothing() {
        secrets.add("t1.canary-truncated-token");
        serve(List.of(json("{\"iamToken\":\"t1.canary-truncated-token\",\"expiresAt\":")),
                json(200, "{}"));

        DeliveryException e = sendFails();

        assertThat(e.kind()).isEqualTo(Kind.AUTH_FAILED);
        assertThat(e.getMessage()).contains("without an iamToken");
        assertNoSecretAnywhere(e);
    }
}
