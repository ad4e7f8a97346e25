package dev.odometer.agent.auth;

import com.github.benmanes.caffeine.cache.Ticker;
import java.io.IOException;
import java.net.Proxy;
import java.net.URI;
import java.time.Clock;
import java.util.Objects;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * Azure AD tokens for the Azure Marketplace metering service from the managed identity of the
 * Azure resource the agent runs on (how a managed application reports usage), through the
 * instance metadata service:
 * {@code GET {imdsUrl}/metadata/identity/oauth2/token?api-version=2018-02-01
 * &resource=20e940b3-4c77-4b0b-9a53-9e16a1b010a7} with {@code Metadata: true}, answering
 * {@code {"access_token","expires_in","expires_on",...}}.
 *
 * <p>Tokens are cached and refreshed ahead of expiry (see {@code TokenCache}). The metadata
 * service is reached directly, never through a configured HTTP proxy.
 */
public final class ManagedIdentityTokenSource extends CachedTokenSource {
    /** The link-local instance metadata service of an Azure VM. */
    public static final URI DEFAULT_IMDS_URL = URI.create("http://169.254.169.254");

    static final String TOKEN_PATH = "metadata/identity/oauth2/token";
    static final String API_VERSION = "2018-02-01";

    /** Tokens of the system-assigned identity from this VM's metadata service. */
    public ManagedIdentityTokenSource(OkHttpClient http) {
        this(http, DEFAULT_IMDS_URL, null);
    }

    /** Tokens of the system-assigned identity from the metadata service at {@code imdsUrl}. */
    public ManagedIdentityTokenSource(OkHttpClient http, URI imdsUrl) {
        this(http, imdsUrl, null);
    }

    /**
     * @param imdsUrl  the metadata service (an emulator, a test)
     * @param clientId the client id of a user-assigned identity, or null for the system-assigned
     *                 one
     */
    public ManagedIdentityTokenSource(OkHttpClient http, URI imdsUrl, String clientId) {
        this(http, imdsUrl, clientId, Clock.systemUTC(), Ticker.systemTicker());
    }

    ManagedIdentityTokenSource(OkHttpClient http, URI imdsUrl, String clientId, Clock clock,
            Ticker ticker) {
        super(new Fetcher(http, imdsUrl, clientId, clock), ticker);
    }

    private static final class Fetcher implements TokenFetcher {
        private final OkHttpClient http;
        private final HttpUrl url;
        private final String where;
        private final String identity;
        private final Clock clock;

        Fetcher(OkHttpClient http, URI imdsUrl, String clientId, Clock clock) {
            this.http = Objects.requireNonNull(http, "http").newBuilder()
                    .proxy(Proxy.NO_PROXY)
                    .build();
            HttpUrl.Builder url = HttpText.resolve(Objects.requireNonNull(imdsUrl, "imdsUrl"),
                    TOKEN_PATH).newBuilder()
                    .addQueryParameter("api-version", API_VERSION)
                    .addQueryParameter("resource", AadTokens.METERING_RESOURCE);
            boolean userAssigned = clientId != null && !clientId.trim().isEmpty();
            if (userAssigned) {
                url.addQueryParameter("client_id", clientId.trim());
            }
            this.url = url.build();
            this.where = HttpText.forMessage(this.url);
            this.identity = userAssigned
                    ? "the user-assigned managed identity " + clientId.trim()
                    : "the system-assigned managed identity";
            this.clock = Objects.requireNonNull(clock, "clock");
        }

        @Override
        public FetchedToken fetch() throws AuthException {
            Request request = new Request.Builder()
                    .url(url)
                    .header("Metadata", "true")
                    .header("Accept", "application/json")
                    .get()
                    .build();
            int code;
            byte[] body;
            try (Response response = http.newCall(request).execute()) {
                code = response.code();
                body = response.body().bytes();
            } catch (IOException e) {
                throw new AuthException("Could not get a token of " + identity + " from the"
                        + " metadata service at " + where + " (is the agent running on Azure?): "
                        + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
            }
            if (code != 200) {
                throw new AuthException("The metadata service at " + where + " refused a token"
                        + " of " + identity + " with HTTP " + code + AadTokens.errorOf(body)
                        + ": is that identity assigned to this VM or application?");
            }
            return AadTokens.read(body, clock, "The metadata service at " + where);
        }

        @Override
        public String describe() {
            return "AAD token of " + identity + " from the metadata service at " + where;
        }
    }
}
