package dev.odometer.agent.auth;

import java.net.URI;
import okhttp3.HttpUrl;

/** URL helpers for messages and requests. */
final class HttpText {
    private HttpText() {
    }

    /** {@code base} with {@code path} (no leading slash) appended to its own path. */
    static HttpUrl resolve(URI base, String path) {
        HttpUrl url = HttpUrl.get(base.toString());
        return url.newBuilder().addPathSegments(path).build();
    }

    /** The URL without user info or query, safe for a message. */
    static String forMessage(HttpUrl url) {
        StringBuilder out = new StringBuilder().append(url.scheme()).append("://")
                .append(url.host());
        if (url.port() != HttpUrl.defaultPort(url.scheme())) {
            out.append(':').append(url.port());
        }
        return out.append(url.encodedPath()).toString();
    }
}
