package dev.odometer.emulator;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for the marketplaces' metering APIs: Yandex Cloud Marketplace Metering (with the IAM token
 * endpoints a client needs) and Azure Marketplace Metering (with AAD and managed identity tokens), all on one
 * HTTP port, plus a ledger of what was accepted, a dashboard at {@code /} and fault injection. Tests start it
 * in-process; the runnable jar is the same thing behind a command line.
 *
 * <pre>{@code
 * try (MarketplaceEmulator emu = MarketplaceEmulator.start(EmulatorSettings.defaults().withPort(0))) {
 *     URI base = emu.baseUri();                       // http://127.0.0.1:PORT
 *     // ... point the client at base, with bearer token "demo-token" ...
 *     emu.faults().update(f -> f.withErrorRate(1).withErrorStatus(503));
 *     emu.clock().advance(Duration.ofHours(1));
 *     assertThat(emu.ledger().totalForSku("sku-email")).isEqualTo(42);
 * }
 * }</pre>
 */
public final class MarketplaceEmulator implements AutoCloseable {

    private static final int THREADS = 8;

    private final EmulatorSettings settings;
    private final EmulatorClock clock;
    private final Faults faults;
    private final FaultInjector faultInjector;
    private final Ledger ledger = new Ledger();
    private final RequestPipeline pipeline;
    private final HttpServer server;
    private final ExecutorService executor;
    private final URI baseUri;

    private MarketplaceEmulator(EmulatorSettings settings) throws IOException {
        this.settings = settings;
        Catalog catalog = settings.catalog();
        catalog.checkReferences();
        clock = new EmulatorClock(Clock.systemUTC());
        clock.setOffset(settings.clockOffset());
        faults = new Faults(settings.faults());
        faultInjector = new FaultInjector(faults, settings.seed());
        TokenStore tokens = new TokenStore(catalog.staticTokens(), clock);
        pipeline = new RequestPipeline(routes(catalog, tokens), tokens, faultInjector);

        executor = Executors.newFixedThreadPool(THREADS, daemonThreads());
        server = HttpServer.create(new InetSocketAddress(settings.bindAddress(), settings.port()), 64);
        server.createContext("/", pipeline);
        server.setExecutor(executor);
        server.start();
        baseUri = URI.create("http://" + hostForUri(settings.bindAddress()) + ":" + server.getAddress().getPort());
    }

    /**
     * Starts an emulator; it serves until {@link #close()}.
     *
     * @throws UncheckedIOException when the port cannot be bound
     */
    public static MarketplaceEmulator start(EmulatorSettings settings) {
        try {
            return new MarketplaceEmulator(settings);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + settings.bindAddress() + ":" + settings.port(), e);
        }
    }

    /** Where it listens, e.g. {@code http://127.0.0.1:41234}, without a trailing slash. */
    public URI baseUri() {
        return baseUri;
    }

    /**
     * How many metering requests (Yandex or Azure writes) it has received and not yet answered: lets a test act
     * while a client's request is in flight (with {@code latencyMs} holding it there).
     */
    public int meteringRequestsInFlight() {
        return pipeline.meteringInFlight();
    }

    /** The fault switches, live: the in-process {@code /admin/faults}. */
    public Faults faults() {
        return faults;
    }

    /** What was accepted and rejected, live. */
    public Ledger ledger() {
        return ledger;
    }

    /** The emulator's clock; advance it to make records expire and tokens run out without waiting. */
    public EmulatorClock clock() {
        return clock;
    }

    /** The settings it was started with. */
    public EmulatorSettings settings() {
        return settings;
    }

    /**
     * Same as {@code POST /admin/reset}: empties the ledger (so uuids may be sent again), clears the faults and the
     * clock offset, and re-seeds the fault randomness. Issued tokens stay valid.
     */
    public void reset() {
        ledger.clear();
        faults.clear();
        clock.setOffset(java.time.Duration.ZERO);
        faultInjector.reseed();
    }

    /** Stops listening at once; requests in flight are cut off. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    private List<Route> routes(Catalog catalog, TokenStore tokens) {
        YandexMetering yandex = new YandexMetering(catalog, ledger, clock, settings.futureTolerance());
        YandexIam iam = new YandexIam(tokens, new JwtVerifier(catalog.serviceAccountKeys(), clock), settings.iamTokenLifetime());
        AzureMetering azure = new AzureMetering(catalog, ledger, clock, settings.futureTolerance());
        AzureAad aad = new AzureAad(catalog.aadClients(), tokens, clock, settings.aadTokenLifetime());
        LedgerApi ledgerApi = new LedgerApi(ledger, catalog, clock);
        AdminApi admin = new AdminApi(this);
        Dashboard dashboard = new Dashboard();
        return List.of(
                Route.exact("POST", YandexMetering.IMAGE_PATH, ApiFamily.YANDEX_METERING,
                        r -> yandex.write(r, YandexMetering.Method.IMAGE)),
                Route.exact("POST", YandexMetering.SAAS_PATH, ApiFamily.YANDEX_METERING,
                        r -> yandex.write(r, YandexMetering.Method.SAAS)),
                Route.exact("GET", YandexIam.METADATA_PATH, ApiFamily.SUPPORT, iam::metadataToken),
                Route.exact("POST", YandexIam.TOKENS_PATH, ApiFamily.SUPPORT, iam::exchangeJwt),
                Route.exact("POST", AzureMetering.BATCH_PATH, ApiFamily.AZURE_METERING, azure::batch),
                Route.exact("POST", AzureMetering.SINGLE_PATH, ApiFamily.AZURE_METERING, azure::single),
                Route.matching("POST", AzureAad.CLIENT_CREDENTIALS_PATH, ApiFamily.SUPPORT, aad::clientCredentials),
                Route.exact("GET", AzureAad.MANAGED_IDENTITY_PATH, ApiFamily.SUPPORT, aad::managedIdentity),
                Route.exact("GET", LedgerApi.LEDGER_PATH, ApiFamily.SUPPORT, ledgerApi::summary),
                Route.exact("GET", LedgerApi.RECORDS_PATH, ApiFamily.SUPPORT, ledgerApi::records),
                Route.exact("GET", AdminApi.FAULTS_PATH, ApiFamily.SUPPORT, admin::getFaults),
                Route.exact("POST", AdminApi.FAULTS_PATH, ApiFamily.SUPPORT, admin::setFaults),
                Route.exact("POST", AdminApi.RESET_PATH, ApiFamily.SUPPORT, admin::reset),
                Route.exact("POST", AdminApi.CLOCK_ADVANCE_PATH, ApiFamily.SUPPORT, admin::advanceClock),
                Route.exact("GET", Dashboard.PATH, ApiFamily.SUPPORT, dashboard::page));
    }

    private static String hostForUri(String bindAddress) {
        if ("0.0.0.0".equals(bindAddress) || "::".equals(bindAddress)) {
            return "127.0.0.1";
        }
        return bindAddress.contains(":") ? "[" + bindAddress + "]" : bindAddress;
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, "emulator-http-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
