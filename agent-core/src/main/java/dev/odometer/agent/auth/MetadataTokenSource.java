package dev.odometer.agent.auth;

import com.github.benmanes.caffeine.cache.Ticker;
import java.io.IOException;
import java.net.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;

/**
 * IAM tokens of the service account attached to the Yandex Compute VM the agent runs on, from
 * the instance metadata service:
 * {@code GET {metadataUrl}/computeMetadata/v1/instance/service-accounts/default/token} with
 * {@code Metadata-Flavor: Google}, answering {@code {"access_token","expires_in","token_type"}}.
 *
 * <p>Tokens are cached and refreshed ahead of expiry (see {@code TokenCache}). The metadata
 * service is reached directly, never through a configured HTTP proxy.
 */
public final class MetadataTokenSource extends CachedTokenSource {
    /** The link-local metadata service of a Yandex Compute VM. */
    public static final URI DEFAULT_METADATA_URL = URI.create("http://169.254.169.254");

    static final String TOKEN_PATH = "computeMetadata/v1/instance/service-accounts/default/token";

    /** Tokens from the VM's own metadata service. */
    public MetadataTokenSource(OkHttpClient http) {
        this(http, DEFAULT_METADATA_URL);
    }

    /** Tokens from the metadata service at {@code metadataUrl} (an emulator, a test). */
    public MetadataTokenSource(OkHttpClient http, URI metadataUrl) {
        this(http, metadataUrl, Ticker.systemTicker());
    }

    MetadataTokenSource(OkHttpClient http, URI metadataUrl, Ticker ticker) {
        super(new Fetcher(http, metadataUrl), ticker);
    }

    private static final class Fetcher implements TokenFetcher {
        private final OkHttpClient http;
        private final HttpUrl url;
        private final String where;

        Fetcher(OkHttpClient http, URI metadataUrl) {
            this.http = Objects.requireNonNull(http, "http").newBuilder()
                    .proxy(Proxy.NO_PROXY)
                    .build();
            this.url = HttpText.resolve(Objects.requireNonNull(metadataUrl, "metadataUrl"),
                    TOKEN_PATH);
            this.where = HttpText.forMessage(url);
        }

        @Override
        public FetchedToken fetch() throws AuthException {
            Request request = new Request.Builder()
                    .url(url)
                    .header("Metadata-Flavor", "Google")
                    .header("Accept", "application/json")
                    .get()
                    .build();
            byte[] body;
            try (Response response = http.newCall(request).execute()) {
                if (response.code() != 200) {
                    throw new AuthException("The instance metadata service at " + where
                            + " answered HTTP " + response.code()
                            + ": is a service account attached to this VM?");
                }
                ResponseBody responseBody = response.body();
                body = responseBody.bytes();
            } catch (IOException e) {
                throw new AuthException("Could not get a token from the instance metadata"
                        + " service at " + where + " (is the agent running on a Yandex Compute"
                        + " VM?): " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
            }
            JsonFields json = JsonFields.parse(body);
            String token = json == null ? null : json.string("access_token", "accessToken");
            if (token == null) {
                throw new AuthException("The instance metadata service at " + where
                        + " answered without an access_token");
            }
            Long expiresIn = json.integer("expires_in", "expiresIn");
            Duration lifetime = expiresIn == null || expiresIn <= 0
                    ? TokenCache.MAX_AGE : Duration.ofSeconds(expiresIn);
            return new FetchedToken(Secret.of(token), lifetime);
        }

        @Override
        public String describe() {
            return "IAM token from the instance metadata service at " + where;
        }
    }
}
