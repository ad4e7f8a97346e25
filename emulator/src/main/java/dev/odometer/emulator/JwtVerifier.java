package dev.odometer.emulator;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;

/**
 * Verifies the JWT a client exchanges for an IAM token, as Yandex IAM does: PS256 (RSASSA-PSS, SHA-256,
 * MGF1-SHA-256, salt 32) by the service-account key its header's {@code kid} names; {@code iss} the key's service
 * account, {@code aud} the IAM tokens URL, {@code exp} in the future and at most an hour after {@code iat}.
 *
 * <p>{@code iat} and {@code exp} are compared with the system clock, not the emulator clock: the client signed
 * them with its own clock, which a test's clock offset does not move. So a test can advance the emulator an
 * hour, see the old IAM token expire, and watch the client get a new one with a fresh JWT.
 */
final class JwtVerifier {

    static final String AUDIENCE = "https://iam.api.cloud.yandex.net/iam/v1/tokens";
    static final Duration MAX_LIFETIME = Duration.ofHours(1);
    /** How far a client's clock may run ahead of ours for {@code iat}. */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(1);

    private static final PSSParameterSpec PS256 =
            new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, PSSParameterSpec.TRAILER_FIELD_BC);

    /** Why a JWT was refused; the message says so to the client. */
    static final class Rejected extends Exception {
        private static final long serialVersionUID = 1L;

        Rejected(String message) {
            super(message, null, false, false);
        }
    }

    private final Map<String, Catalog.ServiceAccountKey> keys;
    private final EmulatorClock clock;

    JwtVerifier(Map<String, Catalog.ServiceAccountKey> keys, EmulatorClock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** The service account the JWT authenticates. */
    String verify(String jwt) throws Rejected {
        String[] parts = jwt.split("\\.", -1);
        if (parts.length != 3) {
            throw new Rejected("a JWT has three dot-separated parts");
        }
        JsonNode header = jsonPart(parts[0], "header");
        JsonNode claims = jsonPart(parts[1], "payload");
        if (!"PS256".equals(Json.text(header, "alg"))) {
            throw new Rejected("the JWT must be signed with PS256, not " + header.get("alg"));
        }
        String keyId = Json.text(header, "kid");
        Catalog.ServiceAccountKey key = keyId == null ? null : keys.get(keyId);
        if (key == null) {
            throw new Rejected("unknown key id (kid) " + keyId);
        }
        checkSignature(parts, key);
        checkClaims(claims, key);
        return key.serviceAccountId();
    }

    private static void checkSignature(String[] parts, Catalog.ServiceAccountKey key) throws Rejected {
        byte[] signed = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
        byte[] signature = base64Url(parts[2], "signature");
        try {
            Signature verifier = Signature.getInstance("RSASSA-PSS");
            verifier.setParameter(PS256);
            verifier.initVerify(key.publicKey());
            verifier.update(signed);
            if (!verifier.verify(signature)) {
                throw new Rejected("the JWT signature does not verify with key " + key.keyId());
            }
        } catch (GeneralSecurityException e) {
            throw new Rejected("the JWT signature does not verify with key " + key.keyId() + ": " + e.getMessage());
        }
    }

    private void checkClaims(JsonNode claims, Catalog.ServiceAccountKey key) throws Rejected {
        if (!key.serviceAccountId().equals(Json.text(claims, "iss"))) {
            throw new Rejected("iss must be the key's service account " + key.serviceAccountId());
        }
        if (!audienceMatches(claims.get("aud"))) {
            throw new Rejected("aud must be " + AUDIENCE);
        }
        Instant issuedAt = numericDate(claims, "iat");
        Instant expires = numericDate(claims, "exp");
        Instant now = clock.systemNow();
        if (!expires.isAfter(now)) {
            throw new Rejected("the JWT has expired (exp " + expires + ")");
        }
        if (issuedAt.isAfter(now.plus(CLOCK_SKEW))) {
            throw new Rejected("iat is in the future (" + issuedAt + ")");
        }
        if (!expires.isAfter(issuedAt) || Duration.between(issuedAt, expires).compareTo(MAX_LIFETIME) > 0) {
            throw new Rejected("exp must be after iat and at most one hour after it");
        }
    }

    private static boolean audienceMatches(JsonNode aud) {
        if (aud == null) {
            return false;
        }
        if (aud.isTextual()) {
            return AUDIENCE.equals(aud.asText());
        }
        if (aud.isArray()) {
            for (JsonNode each : aud) {
                if (AUDIENCE.equals(each.asText())) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Instant numericDate(JsonNode claims, String name) throws Rejected {
        JsonNode value = claims.get(name);
        if (value == null || !value.isNumber()) {
            throw new Rejected(name + " is required (seconds since the epoch)");
        }
        return Instant.ofEpochMilli(value.decimalValue().movePointRight(3).longValue());
    }

    private static JsonNode jsonPart(String part, String what) throws Rejected {
        try {
            JsonNode node = Json.parse(base64Url(part, what));
            if (!node.isObject()) {
                throw new Rejected("the JWT " + what + " is not a JSON object");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new Rejected("the JWT " + what + " is not JSON");
        }
    }

    private static byte[] base64Url(String part, String what) throws Rejected {
        try {
            return Base64.getUrlDecoder().decode(part);
        } catch (IllegalArgumentException e) {
            throw new Rejected("the JWT " + what + " is not base64url");
        }
    }
}
