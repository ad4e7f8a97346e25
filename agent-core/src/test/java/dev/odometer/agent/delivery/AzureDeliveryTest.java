package dev.odometer.agent.delivery;

import dev.odometer.agent.store.PendingRecord;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.jr.ob.JSON;
import dev.odometer.agent.auth.StaticTokenSource;
import dev.odometer.agent.delivery.backoff.Backoff;
import dev.odometer.agent.journal.Journal;
import dev.odometer.agent.marketplace.HttpClients;
import dev.odometer.agent.marketplace.MarketplaceClient;
import dev.odometer.agent.marketplace.azure.AzureMeteringClient;
import dev.odometer.agent.record.UsageRecord;
import dev.odometer.agent.testing.LogCapture;
import dev.odometer.agent.testing.MutableClock;
import dev.odometer.emulator.EmulatorSettings;
import dev.odometer.emulator.Ledger;
import dev.odometer.emulator.MarketplaceEmulator;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Azure delivery end to end on the test's thread: the journal, the hourly roll-up and the real
 * Azure client against the emulator (or a mock server for answers the emulator never gives),
 * with the agent's clock moved by hand a few hours behind the emulator's.
 */
class AzureDeliveryTest {
    @TempDir
    Path dir;

    private final Instant ten = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(Duration.ofHours(5));
    private final Instant eleven = ten.plus(Duration.ofHours(1));
    private final Instant twelve = ten.plus(Duration.ofHours(2));
    private final Instant thirteen = ten.plus(Duration.ofHours(3));
    private final MutableClock clock = new MutableClock(ten.plusSeconds(60));
    private final LogCapture log = new LogCapture("dev.odometer.agent.delivery");
    private final LogCapture emulatorLog = new LogCapture("dev.odometer.emulator");
    private MarketplaceEmulator emulator;
    private Journal journal;

    @BeforeEach
    void start() {
        emulator = MarketplaceEmulator.start(EmulatorSettings.defaults().withPort(0));
    }

    @AfterEach
    void stop() {
        if (journal != null) {
            journal.close();
        }
        emulator.close();
        log.close();
        emulatorLog.close();
    }

    private static MarketplaceClient client(URI endpoint) {
        return new AzureMeteringClient(HttpClients.create(), endpoint,
                AzureMeteringClient.Mode.SAAS_SUBSCRIPTION, "demo-subscription", "demo-plan",
                new StaticTokenSource("demo-token", "a test"));
    }

    private Journal journal() throws Exception {
        if (journal != null) {
            journal.close();
        }
        journal = Journal.open(dir.resolve("journal"), 1 << 20, clock);
        journal.adoptOrphans();
        return journal;
    }

    private DeliveryLoop loop(MarketplaceClient client) {
        return new DeliveryLoop(() -> client, journal, new DeliveryStats(journal),
                Backoff.builder().random(new Random(1)).build(), clock,
                new ConfigHints("odometer.yaml", "resource_id", "demo-subscription"), () -> { },
                new HourlyRollupPolicy(false));
    }

    private UsageRecord part(String alias, String dimension, long units, Instant at) {
        UsageRecord record = UsageRecord.seal(alias, dimension, units, at);
        journal.add(List.of(record));
        return record;
    }

    private static void drain(DeliveryLoop loop) {
        for (int pass = 0; pass < 20; pass++) {
            Duration wait = loop.deliverOnce();
            if (wait == null || wait == DeliveryLoop.RECHECK_WAITING) {
                return;
            }
        }
    }

    /** Accepted events: dimension -> hour -> quantity, one per dimension and hour. */
    private Map<String, Map<Instant, Long>> accepted() {
        Map<String, Map<Instant, Long>> events = new TreeMap<>();
        for (Ledger.AzureEvent event : emulator.ledger().azureEvents()) {
            Long before = events.computeIfAbsent(event.dimension(), k -> new TreeMap<>())
                    .put(event.hour(), event.quantity().longValueExact());
            assertThat(before).as("one event per dimension and hour").isNull();
        }
        return events;
    }

    @Test
    void aliasesSharingADimensionAreSummedIntoOneEventPerHour() throws Exception {
        journal();
        part("email", "email", 3, ten.plusSeconds(60));
        part("newsletter", "email", 4, ten.plusSeconds(120));
        part("request", "request", 5, ten.plusSeconds(180));
        clock.advance(Duration.ofMinutes(62));

        drain(loop(client(emulator.baseUri())));

        assertThat(accepted()).isEqualTo(Map.of("email", Map.of(ten, 7L),
                "request", Map.of(ten, 5L)));
        assertThat(emulator.ledger().azureRejectionsByStatus()).isEmpty();
        assertThat(journal.pendingRecords() + journal.parkedRecords()).isZero();
    }

    @Test
    void anHourDeliveredBeforeARestartStaysRolledUpSoALateRecordJoinsTheNextHour()
            throws Exception {
        journal();
        part("email", "email", 3, ten.plusSeconds(60));
        clock.advance(Duration.ofMinutes(62));
        drain(loop(client(emulator.baseUri())));
        assertThat(accepted()).isEqualTo(Map.of("email", Map.of(ten, 3L)));

        journal(); // a restart: a new journal instance and a new policy
        part("email", "email", 2, ten.plusSeconds(3500)); // sealed late for 10:00
        part("email", "email", 6, eleven.plusSeconds(60));
        clock.advance(Duration.ofHours(1));
        drain(loop(client(emulator.baseUri())));

        assertThat(accepted()).as("a second 10:00 event would be a Duplicate: 2 units lost")
                .isEqualTo(Map.of("email", Map.of(ten, 3L, eleven, 8L)));
        assertThat(emulator.ledger().azureRejectionsByStatus()).isEmpty();
    }

    @Test
    void aDuplicateOfAnotherQuantityIsNotDeliveredButMovedToTheNextHourAndReconciled()
            throws Exception {
        // another process or replica already reported email for 10:00, with 2 units
        UsageRecord theirs = UsageRecord.seal("email", "email", 2, ten);
        assertThat(client(emulator.baseUri()).send(List.of(theirs)).allDelivered()).isTrue();
        journal();
        part("email", "email", 5, ten.plusSeconds(60));
        clock.advance(Duration.ofMinutes(62));
        DeliveryLoop loop = loop(client(emulator.baseUri()));
        drain(loop);

        assertThat(accepted()).isEqualTo(Map.of("email", Map.of(ten, 2L)));
        assertThat(journal.pendingUnits()).as("the 5 units still wait").isEqualTo(5);
        assertThat(log.lines).filteredOn(l -> l.contains("another quantity")).singleElement()
                .satisfies(l -> assertThat(l).contains("'email'").contains("5 units")
                        .contains("quantity 2").contains("next hour")
                        .contains("reconciliation"));
        List<String> csv = Files.readAllLines(dir.resolve("journal").resolve(
                "reconciliation.csv"), StandardCharsets.UTF_8);
        assertThat(csv).hasSize(2);
        assertThat(csv.get(1)).contains(",email,email,5,").contains(",moved,");

        part("email", "email", 1, eleven.plusSeconds(60));
        clock.advance(Duration.ofHours(1));
        drain(loop);

        assertThat(accepted()).isEqualTo(Map.of("email", Map.of(ten, 2L, eleven, 6L)));
        assertThat(journal.pendingRecords()).isZero();
    }

    @Test
    void anUnknownStatusLeavesTheEventInDoubtAndItIsNeverFoldedIntoAnotherHour()
            throws Exception {
        journal();
        part("email", "email", 4, ten.plusSeconds(60));
        clock.advance(Duration.ofMinutes(62));
        try (MockWebServer azure = new MockWebServer()) {
            azure.start();
            Map<String, Object> error = new java.util.LinkedHashMap<>();
            error.put("status", "Error");
            error.put("dimension", "email");
            error.put("effectiveStartTime", ten.toString());
            error.put("quantity", 4);
            error.put("error", Map.of("code", "InternalError", "message", "try again"));
            azure.enqueue(new MockResponse.Builder().code(200)
                    .setHeader("Content-Type", "application/json")
                    .body(JSON.std.asString(Map.of("count", 1, "result", List.of(error))))
                    .build());
            DeliveryLoop loop = loop(client(azure.url("/").uri()));
            loop.deliverOnce();
            for (int i = 0; i < 5; i++) {
                azure.enqueue(new MockResponse.Builder().code(429).build()); // not received
            }

            // two hours on, with usage in a later hour
            part("email", "email", 6, twelve.plusSeconds(60));
            clock.advance(Duration.ofHours(2));
            loop.deliverOnce();

            List<PendingRecord> events = journal.nextBatch(10).stream()
                    .filter(PendingRecord::isRolledUp).collect(Collectors.toList());
            assertThat(events).extracting(p -> p.record().timestamp(), p -> p.record().quantity(),
                    PendingRecord::possiblyReceived).containsExactlyInAnyOrder(
                    org.assertj.core.groups.Tuple.tuple(ten, 4L, true),
                    org.assertj.core.groups.Tuple.tuple(twelve, 6L, false));
        }
        assertThat(thirteen).isAfter(twelve);
    }

    private static List<String> lines(List<String> all, String containing) {
        List<String> matching = new ArrayList<>();
        for (String line : all) {
            if (line.contains(containing)) {
                matching.add(line);
            }
        }
        return matching;
    }

    @SuppressWarnings("unused")
    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8);
    }
}
