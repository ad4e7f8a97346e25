package dev.odometer.agent.marketplace;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import okhttp3.Call;
import okhttp3.Callback;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

class HttpClientsTest {
    private final OkHttpClient client = HttpClients.create();

    @Test
    void boundedTimeoutsAndNoSilentRetriesOrRedirects() {
        assertThat(client.connectTimeoutMillis()).isEqualTo(5_000);
        assertThat(client.readTimeoutMillis()).isEqualTo(15_000);
        assertThat(client.writeTimeoutMillis()).isEqualTo(15_000);
        assertThat(client.callTimeoutMillis()).isEqualTo(30_000);
        assertThat(client.retryOnConnectionFailure()).isFalse();
        assertThat(client.followRedirects()).isFalse();
        assertThat(client.followSslRedirects()).isFalse();
    }

    @Test
    void sendsOdometerUserAgentAndRunsCallbacksOnDaemonThreads() throws Exception {
        try (MockWebServer server = new MockWebServer()) {
            server.start();
            server.enqueue(new MockResponse.Builder().body("ok").build());
            CompletableFuture<Boolean> daemon = new CompletableFuture<>();

            client.newCall(new Request.Builder().url(server.url("/")).build())
                    .enqueue(new Callback() {
                        @Override
                        public void onFailure(Call call, IOException e) {
                            daemon.completeExceptionally(e);
                        }

                        @Override
                        public void onResponse(Call call, Response response) {
                            response.close();
                            daemon.complete(Thread.currentThread().isDaemon());
                        }
                    });

            assertThat(daemon.get(5, TimeUnit.SECONDS)).isTrue();
            assertThat(server.takeRequest(5, TimeUnit.SECONDS).getHeaders().get("User-Agent"))
                    .isEqualTo(HttpClients.userAgent()).startsWith("odometer/");
        }
    }
}
