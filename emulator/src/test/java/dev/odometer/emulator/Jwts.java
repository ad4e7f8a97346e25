package dev.odometer.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;

/** Signs JWTs the way a Yandex client does for the IAM token exchange (PS256), and the ways a broken one might. */
final class Jwts {

    static final String AUDIENCE = "https://iam.api.cloud.yandex.net/iam/v1/tokens";

    private Jwts() {}

    /** A valid JWT for the key, issued now (system clock), living an hour. */
    static String valid(AuthorizedKeys.GeneratedKey key) {
        Instant now = Instant.now();
        return sign(key.privateKey(), key.keyId(), "PS256", key.serviceAccountId(), AUDIENCE, now, now.plus(Duration.ofHours(1)));
    }

    static String sign(PrivateKey privateKey, String keyId, String alg, String issuer, String audience,
                       Instant issuedAt, Instant expires) {
        ObjectNode header = EmulatorClient.JSON.createObjectNode().put("typ", "JWT").put("alg", alg).put("kid", keyId);
        ObjectNode claims = EmulatorClient.JSON.createObjectNode()
                .put("iss", issuer).put("aud", audience)
                .put("iat", issuedAt.getEpochSecond()).put("exp", expires.getEpochSecond());
        String signingInput = base64(header.toString().getBytes(StandardCharsets.UTF_8)) + "."
                + base64(claims.toString().getBytes(StandardCharsets.UTF_8));
        try {
            Signature signature = Signature.getInstance("RSASSA-PSS");
            signature.setParameter(new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1));
            signature.initSign(privateKey);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + base64(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String base64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
