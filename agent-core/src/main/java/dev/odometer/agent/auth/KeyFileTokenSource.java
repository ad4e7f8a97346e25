package dev.odometer.agent.auth;

import com.fasterxml.jackson.jr.ob.JSON;
import com.github.benmanes.caffeine.cache.Ticker;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.Objects;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * IAM tokens for a Yandex service account, from its authorized key file: signs a PS256 JWT with
 * the key and exchanges it at {@code POST {iamEndpoint}/iam/v1/tokens} ({@code {"jwt"}} for
 * {@code {"iamToken","expiresAt"}}).
 *
 * <p>The file is read again at every token fetch (about hourly), so a rotated key is picked up
 * without a restart and no key material stays in memory between fetches. Tokens are cached and
 * refreshed ahead of expiry (see {@code TokenCache}).
 */
public final class KeyFileTokenSource extends CachedTokenSource {
    /** Yandex Cloud IAM. */
    public static final URI DEFAULT_IAM_ENDPOINT = URI.create("https://iam.api.cloud.yandex.net");

    private static final MediaType JSON_TYPE = MediaType.get("application/json; charset=utf-8");

    /** Tokens from Yandex Cloud IAM for the key in {@code keyFile}. */
    public KeyFileTokenSource(OkHttpClient http, Path keyFile) {
        this(http, keyFile, DEFAULT_IAM_ENDPOINT);
    }

    /** Tokens from the IAM service at {@code iamEndpoint} (an emulator, a test). */
    public KeyFileTokenSource(OkHttpClient http, Path keyFile, URI iamEndpoint) {
        this(http, keyFile, iamEndpoint, Clock.systemUTC(), Ticker.systemTicker());
    }

    KeyFileTokenSource(OkHttpClient http, Path keyFile, URI iamEndpoint, Clock clock,
            Ticker ticker) {
        super(new Fetcher(http, keyFile, iamEndpoint, clock), ticker);
    }

    private static final class Fetcher implements TokenFetcher {
        private final OkHttpClient http;
        private final Path keyFile;
        private final HttpUrl url;
        private final String where;
        private final Clock clock;

        Fetcher(OkHttpClient http, Path keyFile, URI iamEndpoint, Clock clock) {
            this.http = Objects.requireNonNull(http, "http");
            this.keyFile = Objects.requireNonNull(keyFile, "keyFile");
            this.url = HttpText.resolve(Objects.requireNonNull(iamEndpoint, "iamEndpoint"),
                    "iam/v1/tokens");
            this.where = HttpText.forMessage(url);
            this.clock = Objects.requireNonNull(clock, "clock");
        }

        @Override
        public FetchedToken fetch() throws AuthException {
            AuthorizedKey key = AuthorizedKey.read(keyFile);
            String jwt = Ps256Jwt.sign(key, clock.instant());
            byte[] requestBody;
            try {
                requestBody = JSON.std.asBytes(Collections.singletonMap("jwt", jwt));
            } catch (IOException e) {
                throw new IllegalStateException("cannot write the IAM request as JSON", e);
            }
            Request request = new Request.Builder()
                    .url(url)
                    .header("Accept", "application/json")
                    .post(RequestBody.create(requestBody, JSON_TYPE))
                    .build();
            String forKey = "service account " + key.serviceAccountId() + " (key "
                    + key.keyId() + ")";
            int code;
            byte[] body;
            try (Response response = http.newCall(request).execute()) {
                code = response.code();
                body = response.body().bytes();
            } catch (IOException e) {
                throw new AuthException("Could not exchange a signed JWT for an IAM token of "
                        + forKey + " at " + where + ": " + e.getClass().getSimpleName() + ": "
                        + e.getMessage(), e);
            }
            JsonFields json = JsonFields.parse(body);
            if (code != 200) {
                String said = json == null ? null : json.string("message");
                if (said != null && (said.contains(jwt) || said.length() > 300)) {
                    said = null;
                }
                throw new AuthException("IAM at " + where + " rejected the signed JWT of "
                        + forKey + " with HTTP " + code
                        + (said == null ? "" : " (" + said.replaceAll("\\s+", " ") + ")"));
            }
            String token = json == null ? null : json.string("iamToken", "iam_token");
            if (token == null) {
                throw new AuthException("IAM at " + where + " answered without an iamToken for "
                        + forKey);
            }
            return new FetchedToken(Secret.of(token),
                    lifetime(json.string("expiresAt", "expires_at")));
        }

        private Duration lifetime(String expiresAt) {
            if (expiresAt == null) {
                return TokenCache.MAX_AGE;
            }
            Instant at;
            try {
                at = OffsetDateTime.parse(expiresAt).toInstant();
            } catch (DateTimeParseException e) {
                return TokenCache.MAX_AGE;
            }
            return Duration.between(clock.instant(), at);
        }

        @Override
        public String describe() {
            return "IAM token for the service account key file " + keyFile + " from " + where;
        }
    }
}
