package dev.odometer.agent.auth;

import com.github.benmanes.caffeine.cache.Ticker;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.Objects;
import okhttp3.FormBody;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Azure AD tokens for the Azure Marketplace metering service, from an application's client
 * credentials (how a SaaS publisher reports usage):
 * {@code POST {loginEndpoint}/{tenant}/oauth2/token} with the form
 * {@code grant_type=client_credentials, client_id, client_secret,
 * resource=20e940b3-4c77-4b0b-9a53-9e16a1b010a7}, answering
 * {@code {"token_type","expires_in","access_token",...}}.
 *
 * <p>The client secret is held as a {@link Secret}: it is sent in the form body and nowhere
 * else, never in a message or a log line, even when AAD quotes it back: {@link #describe()} is
 * "AAD client {id} of tenant {tenant} at {token URL}". Tokens (about an hour) are cached and
 * refreshed ahead of expiry (see {@code TokenCache}).
 */
public final class AadClientCredentialsTokenSource extends CachedTokenSource {
    /** Azure AD's public login endpoint. */
    public static final URI DEFAULT_LOGIN_ENDPOINT =
            URI.create("https://login.microsoftonline.com");

    /** Tokens from Azure AD for the application {@code clientId} of {@code tenantId}. */
    public AadClientCredentialsTokenSource(OkHttpClient http, String tenantId, String clientId,
            Secret clientSecret) {
        this(http, tenantId, clientId, clientSecret, DEFAULT_LOGIN_ENDPOINT);
    }

    /** Tokens from the login endpoint at {@code loginEndpoint} (a national cloud, an emulator). */
    public AadClientCredentialsTokenSource(OkHttpClient http, String tenantId, String clientId,
            Secret clientSecret, URI loginEndpoint) {
        this(http, tenantId, clientId, clientSecret, loginEndpoint, Clock.systemUTC(),
                Ticker.systemTicker());
    }

    AadClientCredentialsTokenSource(OkHttpClient http, String tenantId, String clientId,
            Secret clientSecret, URI loginEndpoint, Clock clock, Ticker ticker) {
        super(new Fetcher(http, tenantId, clientId, clientSecret, loginEndpoint, clock),
                ticker);
    }

    private static final class Fetcher implements TokenFetcher {
        private final OkHttpClient http;
        private final String tenantId;
        private final String clientId;
        private final Secret clientSecret;
        private final HttpUrl url;
        private final String where;
        private final Clock clock;

        Fetcher(OkHttpClient http, String tenantId, String clientId, Secret clientSecret,
                URI loginEndpoint, Clock clock) {
            this.http = Objects.requireNonNull(http, "http");
            this.tenantId = required(tenantId, "the AAD tenant id");
            this.clientId = required(clientId, "the AAD client id");
            this.clientSecret = Objects.requireNonNull(clientSecret, "clientSecret");
            if (clientSecret.reveal().trim().isEmpty()) {
                throw new IllegalArgumentException("The AAD client secret of client " + clientId
                        + " is empty");
            }
            this.url = HttpUrl.get(Objects.requireNonNull(loginEndpoint, "loginEndpoint")
                    .toString()).newBuilder()
                    .addPathSegment(this.tenantId)
                    .addPathSegments("oauth2/token")
                    .build();
            this.where = HttpText.forMessage(url);
            this.clock = Objects.requireNonNull(clock, "clock");
        }

        private static String required(String value, String what) {
            Objects.requireNonNull(value, what);
            if (value.trim().isEmpty()) {
                throw new IllegalArgumentException(what + " is empty");
            }
            return value.trim();
        }

        @Override
        public FetchedToken fetch() throws AuthException {
            Request request = new Request.Builder()
                    .url(url)
                    .header("Accept", "application/json")
                    .post(new FormBody.Builder()
                            .add("grant_type", "client_credentials")
                            .add("client_id", clientId)
                            .add("client_secret", clientSecret.reveal())
                            .add("resource", AadTokens.METERING_RESOURCE)
                            .build())
                    .build();
            String forClient = "client " + clientId + " of tenant " + tenantId;
            int code;
            byte[] body;
            try (Response response = http.newCall(request).execute()) {
                code = response.code();
                body = response.body().bytes();
            } catch (IOException e) {
                throw new AuthException("Could not get an AAD token for " + forClient + " from "
                        + where + ": " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
            }
            if (code != 200) {
                throw new AuthException("AAD at " + where + " refused a token for " + forClient
                        + " with HTTP " + code + AadTokens.errorOf(body, clientSecret)
                        + ": check the tenant, the client id and the client secret (its value,"
                        + " not its id)");
            }
            return AadTokens.read(body, clock, "AAD at " + where);
        }

        @Override
        public String describe() {
            return "AAD client " + clientId + " of tenant " + tenantId + " at " + where;
        }
    }
}
