package dev.odometer.agent.marketplace.azure;

import dev.odometer.agent.auth.TokenSource;
import dev.odometer.agent.marketplace.DeliveryException;
import dev.odometer.agent.marketplace.MarketplaceClient;
import dev.odometer.agent.marketplace.MeteringEndpoint;
import dev.odometer.agent.marketplace.RecordOutcome;
import dev.odometer.agent.marketplace.SendResult;
import dev.odometer.agent.record.UsageRecord;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;

/**
 * Reports usage to the Azure Marketplace Metering Service:
 * {@code POST {endpoint}/api/batchUsageEvent?api-version=2018-08-31} with up to 25 events, for a
 * SaaS subscription ({@link Mode#SAAS_SUBSCRIPTION}, {@code resourceId}) or a managed
 * application ({@link Mode#MANAGED_APPLICATION}, {@code resourceUri}), with an Azure AD bearer
 * token.
 *
 * <p>Each record is one event: {@code skuId} is the dimension, {@code quantity} the units and
 * {@code timestamp} gives {@code effectiveStartTime}, sent as the start of its hour. Azure keeps
 * one event per resource, dimension and hour, so a batch may not hold two records for the same
 * dimension and hour (the caller aggregates per hour), and an event for an hour already reported
 * comes back Duplicate. A record dated in the future is sent as dated (Azure refuses it) rather
 * than moved into an earlier hour, where it could collide with that hour's own event.
 *
 * <p>Azure has no client-chosen event id: results are matched to records by dimension and hour
 * (see {@code BatchAnswer}). A 401 invalidates the token and the same request is retried once
 * with a fresh one; everything else is left to the caller's delivery loop, as a
 * {@link DeliveryException} classified like the Yandex client's (both call through {@link
 * MeteringEndpoint}). Each HTTP request carries a fresh {@code x-ms-requestid}; one {@code
 * x-ms-correlationid} covers a call and its retry. There is no dry run: {@link #validate} only
 * obtains a token. Thread-safe.
 */
public final class AzureMeteringClient implements MarketplaceClient {
    /** The public Azure Marketplace metering API. */
    public static final URI DEFAULT_ENDPOINT = URI.create("https://marketplaceapi.microsoft.com");
    /** The batch API takes 1 to 25 events a call. */
    public static final int MAX_BATCH_SIZE = 25;
    /** The API version this client speaks. */
    public static final String API_VERSION = "2018-08-31";

    /** What the usage is reported for, hence which field names it. */
    public enum Mode {
        /** A SaaS offer: the resource is the SaaS subscription id, sent as {@code resourceId}. */
        SAAS_SUBSCRIPTION("resourceId", "SaaS subscription"),
        /** A managed application: the resource is its resource URI, sent as {@code resourceUri}. */
        MANAGED_APPLICATION("resourceUri", "managed application");

        private final String resourceField;
        private final String noun;

        Mode(String resourceField, String noun) {
            this.resourceField = resourceField;
            this.noun = noun;
        }

        String resourceField() {
            return resourceField;
        }
    }

    private final HttpUrl url;
    private final MeteringEndpoint endpoint;
    private final Mode mode;
    private final String resource;
    private final String planId;
    private final TokenSource tokens;

    /** As below, with the system clock. */
    public AzureMeteringClient(OkHttpClient http, URI endpoint, Mode mode, String resource,
            String planId, TokenSource tokens) {
        this(http, endpoint, mode, resource, planId, tokens, Clock.systemUTC());
    }

    /**
     * @param http     the agent's shared client, see {@code HttpClients.create()}
     * @param endpoint the API base, {@link #DEFAULT_ENDPOINT} or an emulator's
     * @param mode     SaaS subscription or managed application
     * @param resource the SaaS subscription id or the managed application's resource URI
     * @param planId   the plan the resource is on
     * @param tokens   Azure AD tokens for the metering service's resource
     *                 ({@code AadClientCredentialsTokenSource}, {@code ManagedIdentityTokenSource})
     * @param clock    reads Retry-After dates
     */
    public AzureMeteringClient(OkHttpClient http, URI endpoint, Mode mode, String resource,
            String planId, TokenSource tokens, Clock clock) {
        Objects.requireNonNull(http, "http");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.resource = required(resource, "the " + mode.noun + " (" + mode.resourceField + ")");
        this.planId = required(planId, "the plan id");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(clock, "clock");
        HttpUrl base = HttpUrl.parse(Objects.requireNonNull(endpoint, "endpoint").toString());
        if (base == null) {
            throw new IllegalArgumentException(
                    "the Azure metering endpoint must be an http or https URL: " + endpoint);
        }
        this.url = base.newBuilder().username("").password("").query(null).fragment(null)
                .addPathSegments("api/batchUsageEvent")
                .addQueryParameter("api-version", API_VERSION)
                .build();
        this.endpoint = new MeteringEndpoint(http, url, tokens, Failures.AZURE, clock);
    }

    private static String required(String value, String what) {
        Objects.requireNonNull(value, what);
        if (value.trim().isEmpty()) {
            throw new IllegalArgumentException(what + " is empty");
        }
        return value.trim();
    }

    @Override
    public SendResult send(List<UsageRecord> batch) throws DeliveryException {
        List<EventKey> keys = checkBatch(batch);
        byte[] body = BatchRequest.body(mode, resource, planId, batch, keys);
        String correlationId = UUID.randomUUID().toString();
        return endpoint.post(body, request -> {
            String requestId = UUID.randomUUID().toString();
            request.header("x-ms-requestid", requestId)
                    .header("x-ms-correlationid", correlationId);
            return "[x-ms-requestid " + requestId + ", x-ms-correlationid " + correlationId
                    + "]";
        }, (answer, sentTokens) -> BatchAnswer.read(answer, batch, keys, sentTokens));
    }

    /**
     * Azure has no dry run: this checks the batch and that a token can be obtained, and sends
     * nothing. Every record comes back {@link RecordOutcome#NOT_CHECKED}; an unknown dimension
     * or resource only shows at the first real send.
     *
     * @throws DeliveryException of kind AUTH_FAILED when no token can be obtained
     */
    @Override
    public SendResult validate(List<UsageRecord> batch) throws DeliveryException {
        checkBatch(batch);
        endpoint.token();
        String reason = "not checked: Azure Marketplace has no dry run; a token was obtained ("
                + tokens.describe() + ") and no usage was sent";
        SendResult.Builder result = SendResult.builder(batch);
        for (UsageRecord record : batch) {
            result.outcome(record.uuid(), RecordOutcome.NOT_CHECKED, reason);
        }
        return result.build();
    }

    @Override
    public int maxBatchSize() {
        return MAX_BATCH_SIZE;
    }

    /** "Azure SaaS subscription {id} plan {plan} at {url} ({token source})"; never a secret. */
    @Override
    public String describe() {
        return "Azure " + mode.noun + " " + resource + " plan " + planId + " at " + url + " ("
                + tokens.describe() + ")";
    }

    @Override
    public String toString() {
        return "AzureMeteringClient[" + describe() + "]";
    }

    /** @return the records' keys, in batch order */
    private static List<EventKey> checkBatch(List<UsageRecord> batch) {
        if (batch.isEmpty() || batch.size() > MAX_BATCH_SIZE) {
            throw new IllegalArgumentException("an Azure metering batch holds 1 to "
                    + MAX_BATCH_SIZE + " records, not " + batch.size());
        }
        Set<UUID> uuids = new HashSet<>();
        Map<EventKey, UsageRecord> byKey = new HashMap<>();
        List<EventKey> keys = new ArrayList<>(batch.size());
        for (UsageRecord record : batch) {
            if (!uuids.add(record.uuid())) {
                throw new IllegalArgumentException(
                        "uuid " + record.uuid() + " appears twice in the batch");
            }
            if (record.skuId().trim().isEmpty()) {
                throw new IllegalArgumentException("record " + record.uuid() + " (SKU '"
                        + record.skuAlias() + "') has an empty dimension");
            }
            EventKey key = EventKey.of(record);
            UsageRecord other = byKey.put(key, record);
            if (other != null) {
                throw new IllegalArgumentException("records " + other.uuid() + " and "
                        + record.uuid() + " are both for " + key + ": Azure takes one event per"
                        + " dimension and hour, aggregate them into one record");
            }
            keys.add(key);
        }
        return keys;
    }
}
