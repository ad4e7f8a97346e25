package dev.odometer.agent.marketplace;

import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Dispatcher;
import okhttp3.OkHttpClient;
import okhttp3.Request;

/**
 * Builds the one {@link OkHttpClient} the agent shares between its marketplace client and token
 * sources.
 *
 * <p>It lives inside someone else's JVM, so: bounded timeouts (connect 5 s, read 15 s, write
 * 15 s, whole call 30 s), daemon threads only (nothing may keep the host alive), no automatic
 * retry on connection failure (the delivery loop retries with the same uuids and its own
 * backoff), no redirects (a POST silently turned into a GET would lose the body; a redirect
 * means a wrong endpoint and should be reported), and a {@code User-Agent: odometer/<version>}.
 */
public final class HttpClients {
    private HttpClients() {
    }

    /** A new client with Odometer's settings. Share it: each one has its own pool. */
    public static OkHttpClient create() {
        return new OkHttpClient.Builder()
                .dispatcher(new Dispatcher(daemonExecutor()))
                .connectTimeout(5, TimeUnit.SECONDS)
                .readTimeout(15, TimeUnit.SECONDS)
                .writeTimeout(15, TimeUnit.SECONDS)
                .callTimeout(30, TimeUnit.SECONDS)
                .retryOnConnectionFailure(false)
                .followRedirects(false)
                .followSslRedirects(false)
                .addInterceptor(chain -> {
                    Request request = chain.request();
                    if (request.header("User-Agent") != null) {
                        return chain.proceed(request);
                    }
                    return chain.proceed(
                            request.newBuilder().header("User-Agent", userAgent()).build());
                })
                .build();
    }

    /** {@code odometer/<version>}, the version from the agent jar's manifest ("dev" if none). */
    public static String userAgent() {
        String version = HttpClients.class.getPackage().getImplementationVersion();
        return "odometer/" + (version == null ? "dev" : version);
    }

    /** Like OkHttp's own dispatcher executor, but with daemon threads. */
    private static ThreadPoolExecutor daemonExecutor() {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = runnable -> {
            Thread thread = new Thread(runnable, "odometer-http-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
                new SynchronousQueue<>(), factory);
    }
}
