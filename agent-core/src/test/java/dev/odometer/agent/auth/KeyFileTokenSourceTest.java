package dev.odometer.agent.auth;

import dev.odometer.agent.testing.LogCapture;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.odometer.agent.marketplace.HttpClients;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyFileTokenSourceTest {
    private static final OkHttpClient HTTP = HttpClients.create();
    private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");
    private static KeyPair keys;
    private static String pem;

    private final FakeTime time = new FakeTime(NOW);
    @TempDir
    Path dir;
    private MockWebServer server;

    @BeforeAll
    static void generateKey() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        keys = generator.generateKeyPair();
        pem = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(keys.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n";
    }

    @BeforeEach
    void start() throws Exception {
        server = new MockWebServer();
        server.start();
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Path keyFile(String privateKey) throws Exception {
        Map<String, Object> key = new LinkedHashMap<>();
        key.put("id", "ajeKEYID0example");
        key.put("service_account_id", "ajeSAID0example");
        key.put("created_at", "2024-09-16T19:01:10.591128Z");
        key.put("key_algorithm", "RSA_2048");
        key.put("public_key", "-----BEGIN PUBLIC KEY-----\n...\n-----END PUBLIC KEY-----\n");
        key.put("private_key", privateKey);
        return write(JSON.std.asString(key));
    }

    private Path write(String content) throws Exception {
        Path file = dir.resolve("authorized_key.json");
        Files.writeString(file, content);
        return file;
    }

    private KeyFileTokenSource source(Path file) {
        return new KeyFileTokenSource(HTTP, file, server.url("/").uri(), time, time);
    }

    private static MockResponse iamToken(String token, String expiresAt) {
        return new MockResponse.Builder().setHeader("Content-Type", "application/json")
                .body("{\"iamToken\":\"" + token + "\",\"expiresAt\":\"" + expiresAt + "\"}")
                .build();
    }

    private static Map<String, Object> part(String base64url) throws Exception {
        assertThat(base64url).doesNotContain("=").doesNotContain("+").doesNotContain("/");
        return JSON.std.mapFrom(Base64.getUrlDecoder().decode(base64url));
    }

    @Test
    void signsAPs256JwtThatVerifiesAndExchangesItAtIam() throws Exception {
        Path file = keyFile("PLEASE DO NOT REMOVE THIS LINE! Yandex.Cloud SA Key ID"
                + " <ajeKEYID0example>\n" + pem);
        server.enqueue(iamToken("t1.iam-secret-token", "2025-01-01T12:00:00.123456789Z"));

        assertThat(source(file).token()).isEqualTo("t1.iam-secret-token");

        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getUrl().encodedPath()).isEqualTo("/iam/v1/tokens");
        assertThat(request.getHeaders().get("Content-Type")).startsWith("application/json");
        Map<String, Object> body = JSON.std.mapFrom(request.getBody().utf8());
        assertThat(body).containsOnlyKeys("jwt");
        String[] jwt = ((String) body.get("jwt")).split("\\.");
        assertThat(jwt).hasSize(3);

        assertThat(part(jwt[0])).isEqualTo(
                Map.of("typ", "JWT", "alg", "PS256", "kid", "ajeKEYID0example"));
        Map<String, Object> claims = part(jwt[1]);
        assertThat(claims).containsOnlyKeys("iss", "aud", "iat", "exp");
        assertThat(claims.get("iss")).isEqualTo("ajeSAID0example");
        assertThat(claims.get("aud")).isEqualTo("https://iam.api.cloud.yandex.net/iam/v1/tokens");
        assertThat(((Number) claims.get("iat")).longValue()).isEqualTo(NOW.getEpochSecond());
        assertThat(((Number) claims.get("exp")).longValue())
                .isEqualTo(NOW.getEpochSecond() + 3600);

        Signature verifier = Signature.getInstance("RSASSA-PSS");
        verifier.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
        verifier.initVerify(keys.getPublic());
        verifier.update((jwt[0] + "." + jwt[1]).getBytes(StandardCharsets.US_ASCII));
        assertThat(verifier.verify(Base64.getUrlDecoder().decode(jwt[2]))).isTrue();
    }

    @Test
    void aKeyWithoutThePleaseLineWorksToo() throws Exception {
        server.enqueue(iamToken("t1.iam-secret-token", "2025-01-01T12:00:00Z"));

        assertThat(source(keyFile(pem)).token()).isEqualTo("t1.iam-secret-token");
    }

    @Test
    void theTokenIsCachedAndRefreshedHourly() throws Exception {
        server.enqueue(iamToken("first-iam-token", "2025-01-01T12:00:00Z"));
        server.enqueue(iamToken("second-iam-token", "2025-01-01T13:00:00Z"));
        KeyFileTokenSource source = source(keyFile(pem));

        assertThat(source.token()).isEqualTo("first-iam-token");
        time.advance(Duration.ofMinutes(59));
        assertThat(source.token()).isEqualTo("first-iam-token");
        assertThat(server.getRequestCount()).isEqualTo(1);

        time.advance(Duration.ofMinutes(1));
        assertThat(source.token()).isEqualTo("second-iam-token");
        assertThat(server.getRequestCount()).isEqualTo(2);
    }

    @Test
    void iamRejectingTheJwtNamesTheAccountAndStatusButNotTheJwt() throws Exception {
        server.enqueue(new MockResponse.Builder().code(401)
                .body("{\"code\":16,\"message\":\"The token is invalid\"}").build());

        AuthException e = catchThrowableOfType(AuthException.class,
                source(keyFile(pem))::token);

        String jwt = (String) JSON.std.mapFrom(server.takeRequest(5, TimeUnit.SECONDS)
                .getBody().utf8()).get("jwt");
        assertThat(e).hasMessageContaining("HTTP 401").hasMessageContaining("ajeSAID0example")
                .hasMessageContaining("ajeKEYID0example")
                .hasMessageContaining("The token is invalid");
        assertThat(e.getMessage()).doesNotContain(jwt).doesNotContain(jwt.split("\\.")[2]);
    }

    @Test
    void aFailedRefreshLogsNeitherTokenNorKey() throws Exception {
        server.enqueue(iamToken("first-iam-token", "2025-01-01T12:00:00Z"));
        server.enqueue(new MockResponse.Builder().code(503).build());
        KeyFileTokenSource source = source(keyFile(pem));
        source.token();

        try (LogCapture log = new LogCapture("dev.odometer.agent.auth")) {
            time.advance(Duration.ofHours(1));
            assertThat(source.token()).isEqualTo("first-iam-token");

            assertThat(log.lines).singleElement().asString().contains("HTTP 503")
                    .doesNotContain("first-iam-token").doesNotContain("PRIVATE KEY")
                    .doesNotContain(pem.substring(40, 80));
        }
    }

    // --- malformed key files: the file is named, its content never quoted -------------------

    private AuthException keyFileFails(Path file) {
        AuthException e = catchThrowableOfType(AuthException.class, source(file)::token);
        assertThat(e).as("token() should fail").isNotNull();
        assertThat(e.getMessage()).contains(file.toString())
                .doesNotContain(pem.substring(40, 80)).doesNotContain("TOPSECRET");
        assertThat(server.getRequestCount()).as("nothing sent to IAM").isZero();
        return e;
    }

    @Test
    void aMissingKeyFile() {
        assertThat(keyFileFails(dir.resolve("nope.json"))).hasMessageContaining("does not exist");
    }

    @Test
    void aKeyFileThatIsNotJson() throws Exception {
        assertThat(keyFileFails(write("TOPSECRET " + pem)))
                .hasMessageContaining("is not a JSON object");
    }

    @Test
    void aKeyFileWithoutServiceAccountId() throws Exception {
        String json = "{\"id\":\"k\",\"private_key\":" + JSON.std.asString(pem) + "}";
        assertThat(keyFileFails(write(json))).hasMessageContaining("\"service_account_id\"");
    }

    @Test
    void aKeyFileWithoutPrivateKey() throws Exception {
        assertThat(keyFileFails(write("{\"id\":\"k\",\"service_account_id\":\"sa\"}")))
                .hasMessageContaining("\"private_key\"");
    }

    @Test
    void aPrivateKeyThatIsNotPem() throws Exception {
        assertThat(keyFileFails(keyFile("TOPSECRET" + pem.substring(40, 200))))
                .hasMessageContaining("not a PEM private key");
    }

    @Test
    void aPkcs1PrivateKey() throws Exception {
        String pkcs1 = pem.replace("BEGIN PRIVATE", "BEGIN RSA PRIVATE")
                .replace("END PRIVATE", "END RSA PRIVATE");
        assertThat(keyFileFails(keyFile(pkcs1))).hasMessageContaining("PKCS#1");
    }

    @Test
    void aPrivateKeyWithBrokenBase64() throws Exception {
        String broken = pem.replace(pem.substring(100, 104), "!!!!");
        assertThat(keyFileFails(keyFile(broken))).hasMessageContaining("not valid base64");
    }

    @Test
    void aPrivateKeyThatIsNotAnRsaKey() throws Exception {
        String garbage = "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getEncoder().encodeToString("TOPSECRET not DER".getBytes(
                        StandardCharsets.US_ASCII))
                + "\n-----END PRIVATE KEY-----\n";
        assertThat(keyFileFails(keyFile(garbage)))
                .hasMessageContaining("could not be read as an RSA private key");
    }

    @Test
    void describeNamesTheFileAndIam() throws Exception {
        Path file = keyFile(pem);
        assertThat(source(file).describe()).contains(file.toString()).contains("/iam/v1/tokens");
        assertThat(source(file).toString()).doesNotContain("PRIVATE");
    }
}
