package dev.odometer.agent.delivery;

import dev.odometer.agent.store.StoringSink;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.odometer.agent.auth.StaticTokenSource;
import dev.odometer.agent.delivery.backoff.Backoff;
import dev.odometer.agent.marketplace.DeliveryException;
import dev.odometer.agent.marketplace.HttpClients;
import dev.odometer.agent.marketplace.MarketplaceClient;
import dev.odometer.agent.marketplace.SendResult;
import dev.odometer.agent.marketplace.yandex.YandexMeteringClient;
import dev.odometer.agent.record.UsageRecord;
import dev.odometer.agent.testing.LogCapture;
import dev.odometer.agent.testing.MutableClock;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The delivery loop with its own thread running, as in the agent: the shutdown flush and the
 * delivery thread never send at the same time, however long a request takes, and an interrupt
 * does not make the delivery thread spin.
 */
class DeliveryLoopThreadsTest {
    private static final Instant START = Instant.parse("2026-11-21T10:00:00Z");

    private final MockWebServer server = new MockWebServer();
    private final MutableClock clock = new MutableClock(START);
    private final InMemoryPendingStore store = new InMemoryPendingStore(10_000);
    private final DeliveryStats stats = new DeliveryStats(store);
    private final List<List<String>> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger sends = new AtomicInteger();
    private final AtomicInteger mostInFlight = new AtomicInteger();
    private final CountDownLatch releaseFirst = new CountDownLatch(1);
    private final LogCapture log = new LogCapture("dev.odometer.agent.delivery");
    private volatile Predicate<Integer> holdRequest = n -> n == 1;
    private volatile MockResponse otherAnswer;
    private DeliveryLoop loop;

    @BeforeEach
    void start() throws IOException {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                int now = inFlight.incrementAndGet();
                mostInFlight.accumulateAndGet(now, Math::max);
                try {
                    List<String> uuids = uuidsOf(request);
                    requests.add(uuids);
                    if (holdRequest.test(requests.size())) {
                        releaseFirst.await(60, TimeUnit.SECONDS);
                    } else if (otherAnswer != null) {
                        return otherAnswer;
                    }
                    return acceptAll(uuids);
                } finally {
                    inFlight.decrementAndGet();
                }
            }
        });
        server.start();
        MarketplaceClient yandex = new YandexMeteringClient(HttpClients.create(),
                server.url("/").uri(), YandexMeteringClient.Mode.IMAGE, "product-1",
                new StaticTokenSource("t0ken", "a test"), clock);
        MarketplaceClient client = new MarketplaceClient() {
            @Override
            public SendResult send(List<UsageRecord> batch) throws DeliveryException {
                sends.incrementAndGet();
                return yandex.send(batch);
            }

            @Override
            public SendResult validate(List<UsageRecord> batch) throws DeliveryException {
                return yandex.validate(batch);
            }

            @Override
            public int maxBatchSize() {
                return yandex.maxBatchSize();
            }

            @Override
            public String describe() {
                return yandex.describe();
            }
        };
        loop = new DeliveryLoop(() -> client, store, stats,
                Backoff.builder().random(new Random(1)).build(), clock,
                new ConfigHints("odometer.yaml", "product_id", "product-1"), () -> { },
                new OneHourWindowPolicy(false));
    }

    @AfterEach
    void stop() {
        releaseFirst.countDown();
        loop.close();
        log.close();
        server.close();
    }

    @SuppressWarnings("unchecked")
    private static List<String> uuidsOf(RecordedRequest request) {
        try {
            Map<String, Object> body = JSON.std.mapFrom(request.getBody().utf8());
            List<String> uuids = new ArrayList<>();
            for (Map<String, Object> record : (List<Map<String, Object>>) body.get("usageRecords")) {
                uuids.add((String) record.get("uuid"));
            }
            return uuids;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static MockResponse acceptAll(List<String> uuids) {
        try {
            String body = JSON.std.asString(Map.of("accepted", uuids.stream()
                    .map(u -> Map.of("uuid", u)).collect(Collectors.toList()), "rejected",
                    List.of()));
            return new MockResponse.Builder().code(200)
                    .setHeader("Content-Type", "application/json").body(body).build();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private List<UsageRecord> seal(int count) {
        List<UsageRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(UsageRecord.seal("email", "sku-email", 1, clock.instant()));
        }
        new StoringSink(store, loop).accept(records);
        return records;
    }

    @Test
    void theShutdownFlushNeverSendsBesideARequestOfTheDeliveryThread() throws Exception {
        seal(30);
        loop.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> inFlight.get() == 1);

        // the delivery thread's request takes longer than the flush may: the flush must give
        // up rather than send the same records a second time beside it
        Thread flush = new Thread(() -> loop.flush(Duration.ofMillis(2500)), "flush");
        flush.start();
        flush.join(20_000);
        releaseFirst.countDown();
        await().atMost(Duration.ofSeconds(10)).until(() -> stats.getRecordsDelivered() >= 25);

        assertThat(mostInFlight.get()).as("requests in flight at once").isEqualTo(1);
        assertThat(flush.isAlive()).isFalse();
        assertThat(requests).hasSize(1);
        assertThat(store.pendingRecords()).as("left for the next start").isEqualTo(5);
        assertThat(log.lines).anyMatch(l -> l.contains("still waiting for an answer"));
    }

    @Test
    void theShutdownFlushGoesOnOnceTheDeliveryThreadsRequestIsAnswered() throws Exception {
        List<UsageRecord> sealed = seal(30);
        loop.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> inFlight.get() == 1);

        Thread flush = new Thread(() -> loop.flush(Duration.ofSeconds(30)), "flush");
        flush.start();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                flush.getState() == Thread.State.WAITING
                        || flush.getState() == Thread.State.TIMED_WAITING);
        releaseFirst.countDown();
        flush.join(30_000);

        assertThat(flush.isAlive()).isFalse();
        assertThat(mostInFlight.get()).isEqualTo(1);
        assertThat(requests).hasSize(2);
        assertThat(requests.stream().flatMap(List::stream).collect(Collectors.toList()))
                .containsExactlyElementsOf(sealed.stream().map(r -> r.uuid().toString())
                        .collect(Collectors.toList()));
        assertThat(store.pendingRecords()).isZero();
    }

    @Test
    void anInterruptDoesNotMakeTheDeliveryThreadSendBeforeItsBackoffEnds() throws Exception {
        holdRequest = n -> false;
        otherAnswer = new MockResponse.Builder().code(429).setHeader("Retry-After", "3600")
                .body("{\"code\":8,\"message\":\"slow down\"}").build();
        seal(1);
        loop.start();
        await().atMost(Duration.ofSeconds(10)).until(() -> requests.size() == 1);
        Thread worker = await().atMost(Duration.ofSeconds(10)).until(
                DeliveryLoopThreadsTest::deliveryThread,
                t -> t != null && t.getState() == Thread.State.TIMED_WAITING);

        worker.interrupt(); // e.g. a host that interrupts every thread it finds on shutdown

        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                .until(() -> sends.get() == 1);
        assertThat(worker.isAlive()).isTrue();
    }

    private static Thread deliveryThread() {
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getName().equals("odometer-delivery")) {
                return thread;
            }
        }
        return null;
    }
}
