package dev.odometer.agent.marketplace.yandex;

import dev.odometer.agent.auth.TokenSource;
import dev.odometer.agent.marketplace.DeliveryException;
import dev.odometer.agent.marketplace.MarketplaceClient;
import dev.odometer.agent.marketplace.MeteringEndpoint;
import dev.odometer.agent.marketplace.SendResult;
import dev.odometer.agent.record.UsageRecord;
import java.net.URI;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * Writes usage to the Yandex Cloud Marketplace Metering API over REST.
 *
 * <ul>
 *   <li>{@link Mode#IMAGE}: the VM of an image product reports its own usage,
 *       {@code POST {endpoint}/marketplace/metering/v1/imageProductUsage/write}.</li>
 *   <li>{@link Mode#SAAS}: a publisher reports usage per product instance,
 *       {@code POST {endpoint}/marketplace/metering/v1/productUsage/write}.</li>
 * </ul>
 *
 * Records go out as sealed, uuids unchanged; only a timestamp in the future is sent as "now" of
 * the client's clock, since the API rejects the future. A 401 invalidates the token and the same
 * request is retried once with a fresh one; everything else is left to the caller's delivery
 * loop, reported as a {@link DeliveryException}. Thread-safe.
 */
public final class YandexMeteringClient implements MarketplaceClient {
    /** The public Yandex Cloud Marketplace API. */
    public static final URI DEFAULT_ENDPOINT =
            URI.create("https://marketplace.api.cloud.yandex.net");
    /** The API takes 1 to 25 records a call. */
    public static final int MAX_BATCH_SIZE = 25;

    /** Which product kind, hence which API method and id field. */
    public enum Mode {
        /** An image product: the id is the product id. */
        IMAGE("imageProductUsage", "validateOnly", "productId", "image product"),
        /** A SaaS product: the id is the product instance id. */
        SAAS("productUsage", "dryRun", "productInstanceId", "SaaS product instance");

        private final String service;
        private final String validateOnlyField;
        private final String productField;
        private final String noun;

        Mode(String service, String validateOnlyField, String productField, String noun) {
            this.service = service;
            this.validateOnlyField = validateOnlyField;
            this.productField = productField;
            this.noun = noun;
        }

        String path() {
            return "marketplace/metering/v1/" + service + "/write";
        }

        String validateOnlyField() {
            return validateOnlyField;
        }

        String productField() {
            return productField;
        }
    }

    private final HttpUrl url;
    private final MeteringEndpoint endpoint;
    private final Mode mode;
    private final String productId;
    private final TokenSource tokens;
    private final Clock clock;

    /**
     * @param http      the agent's shared client, see {@code HttpClients.create()}
     * @param endpoint  the API base, {@link #DEFAULT_ENDPOINT} or an emulator's
     * @param mode      image or SaaS product
     * @param productId the product id (IMAGE) or product instance id (SAAS)
     * @param tokens    the bearer tokens to send
     */
    public YandexMeteringClient(OkHttpClient http, URI endpoint, Mode mode, String productId,
            TokenSource tokens) {
        this(http, endpoint, mode, productId, tokens, Clock.systemUTC());
    }

    /** As above, with the clock that caps timestamps and reads Retry-After dates. */
    public YandexMeteringClient(OkHttpClient http, URI endpoint, Mode mode, String productId,
            TokenSource tokens, Clock clock) {
        Objects.requireNonNull(http, "http");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.productId = Objects.requireNonNull(productId, "productId");
        if (productId.trim().isEmpty()) {
            throw new IllegalArgumentException("the " + mode.noun + " id is empty");
        }
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.clock = Objects.requireNonNull(clock, "clock");
        HttpUrl base = HttpUrl.parse(Objects.requireNonNull(endpoint, "endpoint").toString());
        if (base == null) {
            throw new IllegalArgumentException(
                    "the Yandex metering endpoint must be an http or https URL: " + endpoint);
        }
        this.url = base.newBuilder().username("").password("").query(null).fragment(null)
                .addPathSegments(mode.path()).build();
        this.endpoint = new MeteringEndpoint(http, url, tokens, Failures.YANDEX, clock);
    }

    @Override
    public SendResult send(List<UsageRecord> batch) throws DeliveryException {
        return write(batch, false);
    }

    @Override
    public SendResult validate(List<UsageRecord> batch) throws DeliveryException {
        return write(batch, true);
    }

    @Override
    public int maxBatchSize() {
        return MAX_BATCH_SIZE;
    }

    @Override
    public String describe() {
        return "Yandex " + mode.noun + " " + productId + " at " + url + " (" + tokens.describe()
                + ")";
    }

    @Override
    public String toString() {
        return "YandexMeteringClient[" + describe() + "]";
    }

    private SendResult write(List<UsageRecord> batch, boolean validateOnly)
            throws DeliveryException {
        checkBatch(batch);
        byte[] body = WriteRequest.body(mode, productId, batch, validateOnly, clock.instant());
        return endpoint.post(body, MeteringEndpoint.Stamp.NONE,
                (answer, sentTokens) -> WriteAnswer.read(answer, batch));
    }

    private static void checkBatch(List<UsageRecord> batch) {
        if (batch.isEmpty() || batch.size() > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("a Yandex metering batch holds 1 to "
                    + MAX_BATCH_SIZE + " records, not " + batch.size());
        }
        Set<UUID> uuids = new HashSet<>();
        for (UsageRecord record : batch) {
            if (!uuids.add(record.uuid())) {
                throw new IllegalArgumentException(
                        "uuid " + record.uuid() + " appears twice in the batch");
            }
        }
    }
}
