package dev.odometer.agent.testing;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;

/** Test helpers around a MockWebServer playing a marketplace API; JSON via jackson-jr. */
public final class MockServers {
    private MockServers() {
    }

    /** The server's base URL, as a client's endpoint. */
    public static URI endpoint(MockWebServer server) {
        return server.url("/").uri();
    }

    /** The next request that reached the server, waiting up to 5 s for it. */
    public static RecordedRequest take(MockWebServer server) throws InterruptedException {
        RecordedRequest request = server.takeRequest(5, TimeUnit.SECONDS);
        if (request == null) {
            throw new AssertionError("no request reached the server");
        }
        return request;
    }

    /** The request's JSON object body. */
    public static Map<String, Object> body(RecordedRequest request) throws IOException {
        return JSON.std.mapFrom(request.getBody().utf8());
    }
}
