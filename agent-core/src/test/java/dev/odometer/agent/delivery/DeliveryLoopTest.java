package dev.odometer.agent.delivery;

import dev.odometer.agent.store.StoringSink;
import dev.odometer.agent.store.RecordStore;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.odometer.agent.auth.StaticTokenSource;
import dev.odometer.agent.delivery.backoff.Backoff;
import dev.odometer.agent.marketplace.HttpClients;
import dev.odometer.agent.marketplace.MarketplaceClient;
import dev.odometer.agent.marketplace.yandex.YandexMeteringClient;
import dev.odometer.agent.record.UsageRecord;
import dev.odometer.agent.testing.LogCapture;
import dev.odometer.agent.testing.MutableClock;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The delivery loop against a mock Yandex API, one {@code deliverOnce} at a time on the test's
 * thread, with a clock the test moves: nothing waits for real time.
 */
class DeliveryLoopTest {
    private static final Instant START = Instant.parse("2026-11-21T10:00:00Z");

    private final MockWebServer server = new MockWebServer();
    private final MutableClock clock = new MutableClock(START);
    private final InMemoryPendingStore store = new InMemoryPendingStore(10_000);
    private final DeliveryStats stats = new DeliveryStats(store);
    private final List<List<String>> requests = new ArrayList<>();
    private final LogCapture log = new LogCapture("dev.odometer.agent.delivery");
    private DeliveryLoop loop;
    private Dispatcher answers;

    @BeforeEach
    void start() throws IOException {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                return answers.dispatch(request);
            }
        });
        server.start();
        loop = loopTo(server.url("/").uri());
        answers = acceptEverything();
    }

    @AfterEach
    void stop() {
        log.close();
        server.close();
    }

    private DeliveryLoop loopTo(URI endpoint) {
        MarketplaceClient client = new YandexMeteringClient(HttpClients.create(), endpoint,
                YandexMeteringClient.Mode.IMAGE, "product-1",
                new StaticTokenSource("t0ken", "a test"), clock);
        return new DeliveryLoop(() -> client, store, stats,
                Backoff.builder().random(new Random(1)).build(), clock,
                new ConfigHints("odometer.yaml", "product_id", "product-1"), () -> { },
                new OneHourWindowPolicy(false));
    }

    /** Accepts every record it is sent, and remembers each request's uuids. */
    private Dispatcher acceptEverything() {
        return answer((uuids) -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("accepted", uuids.stream().map(u -> Map.of("uuid", u))
                    .collect(Collectors.toList()));
            body.put("rejected", List.of());
            return body;
        });
    }

    private interface Answer {
        Map<String, Object> to(List<String> uuids) throws IOException;
    }

    private Dispatcher answer(Answer answer) {
        return new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                try {
                    List<String> uuids = uuidsOf(request);
                    requests.add(uuids);
                    return json(200, JSON.std.asString(answer.to(uuids)));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
    }

    private Dispatcher status(int code, Map<String, String> headers) {
        return new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                try {
                    requests.add(uuidsOf(request));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                MockResponse.Builder response = new MockResponse.Builder().code(code)
                        .body("{\"code\":7,\"message\":\"no\"}");
                headers.forEach(response::setHeader);
                return response.build();
            }
        };
    }

    @SuppressWarnings("unchecked")
    private static List<String> uuidsOf(RecordedRequest request) throws IOException {
        Map<String, Object> body = JSON.std.mapFrom(request.getBody().utf8());
        List<String> uuids = new ArrayList<>();
        for (Map<String, Object> record : (List<Map<String, Object>>) body.get("usageRecords")) {
            uuids.add((String) record.get("uuid"));
        }
        return uuids;
    }

    private static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json")
                .body(body).build();
    }

    private List<UsageRecord> seal(int count, String alias) {
        List<UsageRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(UsageRecord.seal(alias, "sku-" + alias, i + 1, clock.instant()));
        }
        new StoringSink(store, loop).accept(records);
        return records;
    }

    private static List<String> uuids(List<UsageRecord> records) {
        return records.stream().map(r -> r.uuid().toString()).collect(Collectors.toList());
    }

    @Test
    void sixtyRecordsGoOutAsTwentyFiveTwentyFiveAndTen() {
        List<UsageRecord> sealed = seal(60, "email");

        assertThat(loop.deliverOnce()).isZero();
        assertThat(loop.deliverOnce()).isZero();
        assertThat(loop.deliverOnce()).isZero();
        assertThat(loop.deliverOnce()).as("nothing left: wait for records").isNull();

        assertThat(requests).extracting(List::size).containsExactly(25, 25, 10);
        assertThat(requests.stream().flatMap(List::stream)).containsExactlyElementsOf(uuids(sealed));
        assertThat(stats.getRecordsDelivered()).isEqualTo(60);
        assertThat(stats.getUnitsDelivered()).isEqualTo(60L * 61 / 2);
        assertThat(store.pendingRecords()).isZero();
    }

    @Test
    void forbiddenForAWhileThenSuccessLosesNothingAndSaysWhatToFixOnce() {
        List<UsageRecord> sealed = seal(3, "email");
        answers = status(403, Map.of());

        for (int i = 0; i < 4; i++) {
            assertThat(loop.deliverOnce()).as("retried within a minute after a 403")
                    .isPositive().isLessThanOrEqualTo(Duration.ofMinutes(1));
        }
        assertThat(store.pendingRecords()).isEqualTo(3);
        answers = acceptEverything();
        assertThat(loop.deliverOnce()).isZero();

        assertThat(requests).hasSize(5).allSatisfy(r -> assertThat(r).isEqualTo(uuids(sealed)));
        assertThat(stats.getRecordsDelivered()).isEqualTo(3);
        assertThat(store.pendingRecords()).isZero();
        assertThat(log.lines.stream().filter(l -> l.contains("403 Forbidden"))).singleElement()
                .satisfies(l -> assertThat(l).contains("marketplace.meteringAgent")
                        .contains("billing account").contains("3 records")
                        .contains("at least once a minute").doesNotContain("slow pace"));
        assertThat(log.lines.stream().filter(l -> l.contains("recovered"))).singleElement()
                .satisfies(l -> assertThat(l).contains("delivery recovered after 4 failed"));
        assertThat(log.lines).hasSize(2);
    }

    @Test
    void atShutdownA403IsRetriedQuicklyUntilTheTimeout() {
        List<UsageRecord> sealed = seal(3, "email");
        answers = status(403, Map.of());
        assertThat(loop.deliverOnce()).isPositive();
        int[] forbiddenLeft = {2};
        Dispatcher forbidden = status(403, Map.of());
        Dispatcher accept = acceptEverything();
        answers = new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                return forbiddenLeft[0]-- > 0 ? forbidden.dispatch(request)
                        : accept.dispatch(request);
            }
        };

        loop.flush(Duration.ofSeconds(30));

        assertThat(store.pendingRecords()).as("delivered during shutdown").isZero();
        assertThat(requests).hasSize(4).allSatisfy(r -> assertThat(r).isEqualTo(uuids(sealed)));
    }

    @Test
    void unavailableAndDroppedConnectionsAreRetriedWithTheSameUuids() {
        List<UsageRecord> sealed = seal(2, "request");
        answers = status(503, Map.of());
        Duration first = loop.deliverOnce();
        assertThat(first).isPositive();
        assertThat(store.possiblyReceived(sealed.get(0))).as("503: not handled").isFalse();

        answers = new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                try {
                    requests.add(uuidsOf(request));
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                return new MockResponse.Builder()
                        .onResponseStart(SocketEffect.ShutdownConnection.INSTANCE).build();
            }
        };
        assertThat(loop.deliverOnce()).isPositive();
        assertThat(store.possiblyReceived(sealed.get(0))).as("no answer: in doubt").isTrue();
        answers = acceptEverything();
        assertThat(loop.deliverOnce()).isZero();

        assertThat(requests).hasSize(3).allSatisfy(r -> assertThat(r).isEqualTo(uuids(sealed)));
        assertThat(stats.getRecordsDelivered()).isEqualTo(2);
        assertThat(log.lines.stream().filter(l -> l.contains("delivery failed"))).hasSize(1);
    }

    @Test
    void retryAfterIsHonoured() {
        seal(1, "email");
        answers = status(429, Map.of("Retry-After", "120"));

        assertThat(loop.deliverOnce()).isGreaterThanOrEqualTo(Duration.ofSeconds(120));
    }

    @Test
    void configurationErrorsParkRecordsAndNameTheKeyToFix() {
        List<UsageRecord> good = seal(1, "email");
        List<UsageRecord> bad = seal(2, "storage");
        answers = answer(uuids -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("accepted", List.of(Map.of("uuid", good.get(0).uuid().toString())));
            body.put("rejected", uuids(bad).stream()
                    .map(u -> Map.of("uuid", u, "reason", "INVALID_SKU_ID"))
                    .collect(Collectors.toList()));
            return body;
        });

        assertThat(loop.deliverOnce()).isZero();

        assertThat(store.pendingRecords()).isZero();
        assertThat(store.parkedList()).containsExactlyElementsOf(bad);
        assertThat(stats.getRecordsRejectedByReason()).containsEntry("INVALID_SKU_ID", 2L);
        assertThat(log.lines.stream().filter(l -> l.contains("INVALID_SKU_ID"))).singleElement()
                .satisfies(l -> assertThat(l).contains("SKU 'storage'")
                        .contains("skus.storage.sku_id in odometer.yaml").contains("parked"));
    }

    @Test
    void aBatchRefusedAsAWholeIsSplitToParkExactlyTheRefusedRecords() {
        List<UsageRecord> good = seal(20, "email");
        UsageRecord poison = seal(1, "storage").get(0);
        List<UsageRecord> more = seal(9, "email");
        Dispatcher accept = acceptEverything();
        answers = new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                try {
                    if (uuidsOf(request).contains(poison.uuid().toString())) {
                        requests.add(uuidsOf(request));
                        return json(422, "{\"code\":3,\"message\":\"quantity exceeds the limit\"}");
                    }
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
                return accept.dispatch(request);
            }
        };

        int passes = 0;
        while (loop.deliverOnce() != null && passes < 40) {
            passes++;
        }

        assertThat(store.pendingRecords()).as("nothing waits behind the refused record").isZero();
        assertThat(store.parkedList()).containsExactly(poison);
        assertThat(stats.getRecordsDelivered()).isEqualTo(good.size() + more.size());
        assertThat(stats.getRecordsRejectedByReason()).containsEntry("REQUEST_REFUSED", 1L);
        assertThat(requests.size()).as("a binary search, not one request per record")
                .isLessThanOrEqualTo(12);
        assertThat(log.lines.stream().filter(l -> l.contains("REQUEST_REFUSED")))
                .singleElement().satisfies(l -> assertThat(l).contains("SKU 'storage'")
                        .contains("HTTP 422").contains("quantity exceeds the limit")
                        .contains("parked"));
    }

    @Test
    void anUnexpectedFailureInsideTheClientIsAFailedBatchLoggedOnceNeverAStall() {
        List<UsageRecord> good = seal(3, "email");
        UsageRecord bad = seal(1, "storage").get(0);
        MarketplaceClient real = loop.client();
        MarketplaceClient throwing = new MarketplaceClient() {
            @Override
            public dev.odometer.agent.marketplace.SendResult send(List<UsageRecord> batch)
                    throws dev.odometer.agent.marketplace.DeliveryException {
                if (batch.contains(bad)) {
                    throw new IllegalArgumentException("a bug: two events for one hour");
                }
                return real.send(batch);
            }

            @Override
            public dev.odometer.agent.marketplace.SendResult validate(List<UsageRecord> batch) {
                throw new UnsupportedOperationException();
            }

            @Override
            public int maxBatchSize() {
                return 25;
            }

            @Override
            public String describe() {
                return "throwing";
            }
        };
        loop = new DeliveryLoop(() -> throwing, store, stats,
                Backoff.builder().random(new Random(1)).build(), clock,
                new ConfigHints("odometer.yaml", "product_id", "product-1"), () -> { },
                new OneHourWindowPolicy(false));

        int passes = 0;
        while (loop.deliverOnce() != null && passes < 20) {
            passes++;
        }

        assertThat(store.pendingRecords()).isZero();
        assertThat(store.parkedList()).containsExactly(bad);
        assertThat(stats.getRecordsDelivered()).isEqualTo(good.size());
        assertThat(log.lines.stream().filter(l -> l.contains("failed unexpectedly")))
                .as("logged once").singleElement()
                .satisfies(l -> assertThat(l).contains("two events for one hour"));
        assertThat(log.lines.stream().filter(l -> l.contains("SEND_FAILED"))).singleElement()
                .satisfies(l -> assertThat(l).contains("SKU 'storage'").contains("parked"));
    }

    @Test
    void anAnswerThatSettlesNothingBacksOffInsteadOfSpinning() {
        List<UsageRecord> sealed = seal(1, "email");
        answers = answer(uuids -> Map.of("accepted", List.of(), "rejected",
                List.of(Map.of("uuid", uuids.get(0), "reason", "REASON_UNSPECIFIED"))));

        assertThat(loop.deliverOnce()).isPositive();
        assertThat(store.pendingRecords()).isEqualTo(1);
        assertThat(store.pendingList()).containsExactlyElementsOf(sealed);
    }

    @Test
    void recordsNeverReceivedAreRenewedBeforeTheyExpire() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        loop = loopTo(URI.create("http://127.0.0.1:" + closedPort));
        UsageRecord old = seal(1, "email").get(0);
        assertThat(loop.deliverOnce()).as("connection refused").isPositive();
        assertThat(store.possiblyReceived(old)).isFalse();

        clock.advance(Duration.ofMinutes(51));
        loop.deliverOnce();

        UsageRecord renewed = store.pendingList().get(0);
        assertThat(renewed.uuid()).isNotEqualTo(old.uuid());
        assertThat(renewed.timestamp()).isEqualTo(clock.instant());
        assertThat(renewed.quantity()).isEqualTo(old.quantity());
        assertThat(renewed.skuAlias()).isEqualTo("email");
    }

    @Test
    void recordsInDoubtKeepTheirUuidUntilTheyAreTooOld() {
        UsageRecord inDoubt = seal(1, "email").get(0);
        answers = status(500, Map.of());
        loop.deliverOnce();
        assertThat(store.possiblyReceived(inDoubt)).isTrue();

        clock.advance(Duration.ofMinutes(55));
        loop.deliverOnce();
        assertThat(requests.get(requests.size() - 1)).containsExactly(inDoubt.uuid().toString());

        clock.advance(Duration.ofMinutes(6));
        assertThat(loop.deliverOnce()).as("nothing left to send").isNull();
        assertThat(store.pendingRecords()).isZero();
        assertThat(log.lines).anyMatch(l -> l.contains(inDoubt.uuid().toString())
                && l.contains("not billed again"));
    }

    @Test
    void aFullStoreRefusesNewRecordsSoTheyStayInTheCounters() {
        InMemoryPendingStore tiny = new InMemoryPendingStore(2);
        DeliveryLoop small = new DeliveryLoop(() -> null, tiny, new DeliveryStats(tiny),
                Backoff.builder().build(), clock, new ConfigHints("f", "product_id", "p"),
                () -> { }, new OneHourWindowPolicy(false));
        new StoringSink(tiny, small).accept(List.of(UsageRecord.seal("a", "s", 1, START)));

        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new StoringSink(tiny, small).accept(List.of(
                UsageRecord.seal("a", "s", 1, START), UsageRecord.seal("a", "s", 1, START))))
                .isInstanceOf(RecordStore.StoreFullException.class);
        assertThat(tiny.pendingRecords()).isEqualTo(1);
    }
}
