package dev.odometer.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.temporal.ChronoUnit;

/**
 * Where a Yandex client gets its IAM token: the Compute VM metadata service (header {@code Metadata-Flavor: Google})
 * and the IAM token exchange of a service-account-signed JWT ({@code POST /iam/v1/tokens}).
 */
final class YandexIam {

    static final String METADATA_PATH = "/computeMetadata/v1/instance/service-accounts/default/token";
    static final String TOKENS_PATH = "/iam/v1/tokens";
    static final String METADATA_PRINCIPAL = "vm-service-account";

    private final TokenStore tokens;
    private final JwtVerifier jwtVerifier;
    private final Duration lifetime;

    YandexIam(TokenStore tokens, JwtVerifier jwtVerifier, Duration lifetime) {
        this.tokens = tokens;
        this.jwtVerifier = jwtVerifier;
        this.lifetime = lifetime;
    }

    ApiResponse metadataToken(ApiRequest request) {
        if (!"Google".equals(request.header("Metadata-Flavor"))) {
            throw ApiError.of(ApiFamily.SUPPORT, 403, "the metadata service needs the header 'Metadata-Flavor: Google'");
        }
        TokenStore.IssuedToken token = tokens.issue(TokenStore.Realm.YANDEX, METADATA_PRINCIPAL, lifetime);
        return ApiResponse.json(200, Json.object()
                .put("access_token", token.token())
                .put("expires_in", lifetime.toSeconds())
                .put("token_type", "Bearer"));
    }

    ApiResponse exchangeJwt(ApiRequest request) {
        JsonNode body = request.json();
        String jwt = body.isObject() ? Json.text(body, "jwt") : null;
        if (jwt == null) {
            throw ApiError.of(ApiFamily.SUPPORT, 400, "the body must be {\"jwt\": \"...\"}");
        }
        String serviceAccountId;
        try {
            serviceAccountId = jwtVerifier.verify(jwt);
        } catch (JwtVerifier.Rejected e) {
            throw ApiError.of(ApiFamily.SUPPORT, 401, e.getMessage());
        }
        TokenStore.IssuedToken token = tokens.issue(TokenStore.Realm.YANDEX, serviceAccountId, lifetime);
        return ApiResponse.json(200, Json.object()
                .put("iamToken", token.token())
                .put("expiresAt", token.expiresAt().truncatedTo(ChronoUnit.MILLIS).toString()))
                .withNote("sa=" + serviceAccountId);
    }
}
