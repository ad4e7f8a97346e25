package dev.odometer.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Where an Azure client gets its bearer token for the metering service: Azure AD's client-credentials grant
 * ({@code POST /{tenant}/oauth2/token}, and the v2.0 form with {@code scope}) and the managed-identity endpoint of
 * the instance metadata service ({@code GET /metadata/identity/oauth2/token}, header {@code Metadata: true}).
 */
final class AzureAad {

    /** The marketplace metering service's application id: the resource the tokens must be for. */
    static final String MARKETPLACE_RESOURCE = "20e940b3-4c77-4b0b-9a53-9e16a1b010a7";
    static final Pattern CLIENT_CREDENTIALS_PATH = Pattern.compile("/[^/]+/oauth2/(v2\\.0/)?token");
    static final String MANAGED_IDENTITY_PATH = "/metadata/identity/oauth2/token";
    static final String MANAGED_IDENTITY_PRINCIPAL = "managed-identity";

    private final Map<String, String> clients;
    private final TokenStore tokens;
    private final EmulatorClock clock;
    private final Duration lifetime;

    AzureAad(Map<String, String> clients, TokenStore tokens, EmulatorClock clock, Duration lifetime) {
        this.clients = clients;
        this.tokens = tokens;
        this.clock = clock;
        this.lifetime = lifetime;
    }

    ApiResponse clientCredentials(ApiRequest request) {
        boolean v2 = request.path().contains("/v2.0/");
        Map<String, String> form = request.form();
        if (!"client_credentials".equals(form.get("grant_type"))) {
            throw aadError(400, "unsupported_grant_type", "grant_type must be client_credentials");
        }
        String clientId = form.get("client_id");
        String secret = clientId == null ? null : clients.get(clientId);
        if (secret == null || !secret.equals(form.get("client_secret"))) {
            throw aadError(401, "invalid_client", "unknown client_id or wrong client_secret");
        }
        if (v2 ? !(MARKETPLACE_RESOURCE + "/.default").equals(form.get("scope"))
               : !isMarketplace(form.get("resource"))) {
            throw aadError(400, v2 ? "invalid_scope" : "invalid_resource",
                    v2 ? "scope must be " + MARKETPLACE_RESOURCE + "/.default" : "resource must be " + MARKETPLACE_RESOURCE);
        }
        TokenStore.IssuedToken token = tokens.issue(TokenStore.Realm.AZURE, clientId, lifetime);
        ObjectNode body = Json.object().put("token_type", "Bearer");
        if (v2) {
            body.put("expires_in", lifetime.toSeconds()).put("ext_expires_in", lifetime.toSeconds());
        } else {
            body.put("expires_in", Long.toString(lifetime.toSeconds()))
                    .put("ext_expires_in", Long.toString(lifetime.toSeconds()))
                    .put("expires_on", Long.toString(token.expiresAt().getEpochSecond()))
                    .put("not_before", Long.toString(clock.now().getEpochSecond()))
                    .put("resource", MARKETPLACE_RESOURCE);
        }
        return ApiResponse.json(200, body.put("access_token", token.token())).withNote("client=" + clientId);
    }

    ApiResponse managedIdentity(ApiRequest request) {
        if (!"true".equalsIgnoreCase(request.header("Metadata"))) {
            throw aadError(400, "invalid_request", "Required metadata header not specified");
        }
        if (!isMarketplace(request.query().get("resource"))) {
            throw aadError(400, "invalid_resource", "resource must be " + MARKETPLACE_RESOURCE);
        }
        String principal = request.query().getOrDefault("client_id", MANAGED_IDENTITY_PRINCIPAL);
        TokenStore.IssuedToken token = tokens.issue(TokenStore.Realm.AZURE, principal, lifetime);
        return ApiResponse.json(200, Json.object()
                .put("access_token", token.token())
                .put("refresh_token", "")
                .put("expires_in", Long.toString(lifetime.toSeconds()))
                .put("expires_on", Long.toString(token.expiresAt().getEpochSecond()))
                .put("not_before", Long.toString(clock.now().getEpochSecond()))
                .put("resource", MARKETPLACE_RESOURCE)
                .put("token_type", "Bearer"));
    }

    private static boolean isMarketplace(String resource) {
        return resource != null && (resource.equals(MARKETPLACE_RESOURCE) || resource.equals(MARKETPLACE_RESOURCE + "/"));
    }

    private static ApiError aadError(int status, String error, String description) {
        return new ApiError(ApiResponse.json(status, Json.object().put("error", error).put("error_description", description)),
                description);
    }
}
