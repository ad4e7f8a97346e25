package dev.odometer.emulator;

import static dev.odometer.emulator.YandexRequests.IMAGE;
import static dev.odometer.emulator.YandexRequests.uuid;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Bearer tokens on the metering endpoints, and the Yandex IAM endpoints that issue them. */
class AuthenticationTest {

    private static final String SA = "aje-service-account";
    private static AuthorizedKeys.GeneratedKey key;
    private static AuthorizedKeys.GeneratedKey unregistered;
    private static MarketplaceEmulator emu;
    private static EmulatorClient client;

    @BeforeAll
    static void start() {
        key = AuthorizedKeys.generate(SA, "ajk-key-1");
        unregistered = AuthorizedKeys.generate(SA, "ajk-key-1"); // same ids, different key pair
        emu = MarketplaceEmulator.start(EmulatorSettings.defaults().withPort(0)
                .withServiceAccountKey(key)
                .withIamTokenLifetime(Duration.ofHours(12)));
        client = new EmulatorClient(emu.baseUri());
    }

    @AfterAll
    static void stop() {
        emu.close();
    }

    @BeforeEach
    void reset() {
        emu.reset();
    }

    private static EmulatorClient.Reply writeOne(String token) throws IOException {
        return client.postJson(IMAGE, token,
                YandexRequests.image("demo-product").record(uuid(), "sku-email", 1, emu.clock().now()).body());
    }

    private static EmulatorClient.Reply exchange(String jwt) throws IOException {
        return client.postJson(YandexIam.TOKENS_PATH, null, EmulatorClient.JSON.createObjectNode().put("jwt", jwt));
    }

    private static void assertUnauthenticated(EmulatorClient.Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(401);
        assertThat(reply.json().get("code").asInt()).isEqualTo(16);
        assertThat(reply.json().get("message").asText()).isNotBlank();
    }

    // ---- bearer tokens on the metering endpoints ----

    @Test
    void meteringWithoutAToken401sAndWritesNothing() throws IOException {
        EmulatorClient.Reply reply = writeOne(null);

        assertUnauthenticated(reply);
        assertThat(reply.header("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(emu.ledger().acceptedCount()).isZero();
    }

    @Test
    void meteringWithAnUnknownTokenOrAnotherScheme401s() throws IOException {
        assertUnauthenticated(writeOne("not-a-token"));
        EmulatorClient.Reply basic = client.postJson(IMAGE, null, YandexRequests.image("demo-product").body());
        assertUnauthenticated(basic);
        assertThat(emu.ledger().acceptedCount()).isZero();
    }

    @Test
    void staticTokenIsAcceptedByBothMarketplaces() throws IOException {
        assertThat(writeOne("demo-token").status()).isEqualTo(200);
        ObjectNode batch = AzureEvents.batch(AzureEvents.event("demo-subscription", "email", 1, emu.clock().now()));
        assertThat(client.postJson(AzureEvents.BATCH, "demo-token", batch).status()).isEqualTo(200);
    }

    // ---- VM metadata ----

    @Test
    void metadataTokenNeedsTheMetadataFlavorHeader() throws IOException {
        EmulatorClient.Reply without = client.get(YandexIam.METADATA_PATH);
        EmulatorClient.Reply wrong = client.get(YandexIam.METADATA_PATH, "Metadata-Flavor", "Azure");
        EmulatorClient.Reply with = client.get(YandexIam.METADATA_PATH, "Metadata-Flavor", "Google");

        assertThat(without.status()).isEqualTo(403);
        assertThat(wrong.status()).isEqualTo(403);
        assertThat(with.status()).isEqualTo(200);
        JsonNode token = with.json();
        assertThat(token.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(token.get("expires_in").asLong()).isEqualTo(Duration.ofHours(12).toSeconds());
        assertThat(writeOne(token.get("access_token").asText()).status()).isEqualTo(200);
    }

    @Test
    void issuedTokenExpiresWhenTheClockPassesItsLifetime() throws IOException {
        String token = client.get(YandexIam.METADATA_PATH, "Metadata-Flavor", "Google").json().get("access_token").asText();
        assertThat(writeOne(token).status()).isEqualTo(200);

        emu.clock().advance(Duration.ofHours(12).minusMinutes(1));
        assertThat(writeOne(token).status()).isEqualTo(200);

        emu.clock().advance(Duration.ofMinutes(1));
        EmulatorClient.Reply expired = writeOne(token);
        assertUnauthenticated(expired);
        assertThat(expired.json().get("message").asText()).contains("expired");
    }

    // ---- JWT exchange ----

    @Test
    void validPs256JwtIsExchangedForAWorkingIamToken() throws IOException {
        EmulatorClient.Reply reply = exchange(Jwts.valid(key));

        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        Instant expiresAt = Instant.parse(reply.json().get("expiresAt").asText());
        assertThat(expiresAt).isCloseTo(emu.clock().now().plus(Duration.ofHours(12)), within(1, ChronoUnit.MINUTES));
        String iamToken = reply.json().get("iamToken").asText();
        assertThat(writeOne(iamToken).status()).isEqualTo(200);
    }

    @Test
    void keyFromTheGeneratedKeyFileSignsAnAcceptedJwt() throws IOException {
        JsonNode file = EmulatorClient.JSON.readTree(key.json());
        java.security.PrivateKey fromFile = Pem.parsePrivateKey(file.get("private_key").asText());
        Instant now = Instant.now();

        String jwt = Jwts.sign(fromFile, file.get("id").asText(), "PS256", file.get("service_account_id").asText(),
                Jwts.AUDIENCE, now, now.plusSeconds(3600));

        assertThat(exchange(jwt).status()).isEqualTo(200);
    }

    @Test
    void jwtSignedByAnotherKeyIsRejected() throws IOException {
        EmulatorClient.Reply reply = exchange(Jwts.valid(unregistered));

        assertUnauthenticated(reply);
        assertThat(reply.json().get("message").asText()).contains("signature");
    }

    @Test
    void jwtWithATamperedPayloadIsRejected() throws IOException {
        String[] parts = Jwts.valid(key).split("\\.");
        Instant now = Instant.now();
        // claims that would pass every other check: only the signature can tell
        String otherPayload = Jwts.sign(unregistered.privateKey(), key.keyId(), "PS256", SA, Jwts.AUDIENCE, now,
                now.plusSeconds(600)).split("\\.")[1];

        EmulatorClient.Reply reply = exchange(parts[0] + "." + otherPayload + "." + parts[2]);

        assertUnauthenticated(reply);
        assertThat(reply.json().get("message").asText()).contains("signature");
    }

    @Test
    void jwtForAnotherAudienceIsRejected() throws IOException {
        Instant now = Instant.now();
        String jwt = Jwts.sign(key.privateKey(), key.keyId(), "PS256", SA, "https://example.test/tokens", now, now.plusSeconds(600));

        EmulatorClient.Reply reply = exchange(jwt);

        assertUnauthenticated(reply);
        assertThat(reply.json().get("message").asText()).contains("aud");
    }

    @Test
    void jwtLivingLongerThanAnHourIsRejected() throws IOException {
        Instant now = Instant.now();
        String jwt = Jwts.sign(key.privateKey(), key.keyId(), "PS256", SA, Jwts.AUDIENCE, now, now.plusSeconds(3601));

        assertUnauthenticated(exchange(jwt));
    }

    @Test
    void expiredJwtIsRejected() throws IOException {
        Instant then = Instant.now().minus(Duration.ofHours(2));
        String jwt = Jwts.sign(key.privateKey(), key.keyId(), "PS256", SA, Jwts.AUDIENCE, then, then.plusSeconds(3600));

        EmulatorClient.Reply reply = exchange(jwt);

        assertUnauthenticated(reply);
        assertThat(reply.json().get("message").asText()).contains("expired");
    }

    @Test
    void jwtWithWrongIssuerUnknownKidOrOtherAlgorithmIsRejected() throws IOException {
        Instant now = Instant.now();
        assertUnauthenticated(exchange(Jwts.sign(key.privateKey(), key.keyId(), "PS256", "other-sa", Jwts.AUDIENCE, now, now.plusSeconds(60))));
        assertUnauthenticated(exchange(Jwts.sign(key.privateKey(), "no-such-key", "PS256", SA, Jwts.AUDIENCE, now, now.plusSeconds(60))));
        assertUnauthenticated(exchange(Jwts.sign(key.privateKey(), key.keyId(), "RS256", SA, Jwts.AUDIENCE, now, now.plusSeconds(60))));
        assertUnauthenticated(exchange("not.a-jwt"));
    }

    @Test
    void exchangeWithoutAJwtFieldIsABadRequest() throws IOException {
        EmulatorClient.Reply reply = client.postJson(YandexIam.TOKENS_PATH, null, EmulatorClient.JSON.createObjectNode().put("token", "x"));

        assertThat(reply.status()).isEqualTo(400);
    }

    @Test
    void jwtTimesAreCheckedAgainstTheClientsClockNotTheAdvancedEmulatorClock() throws IOException {
        emu.clock().advance(Duration.ofHours(13));

        EmulatorClient.Reply reply = exchange(Jwts.valid(key));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(writeOne(reply.json().get("iamToken").asText()).status()).isEqualTo(200);
    }

    @Test
    void tokensAreValidOnlyForTheMarketplaceThatIssuedThem() throws IOException {
        String iamToken = exchange(Jwts.valid(key)).json().get("iamToken").asText();
        String aadToken = client.postForm("/tenant-1/oauth2/token", AzureEvents.clientCredentials("demo-client", "demo-secret"))
                .json().get("access_token").asText();
        ObjectNode batch = AzureEvents.batch(AzureEvents.event("demo-subscription", "email", 1, emu.clock().now()));

        assertThat(client.postJson(AzureEvents.BATCH, iamToken, batch).status()).isEqualTo(401);
        assertUnauthenticated(writeOne(aadToken));
    }
}
