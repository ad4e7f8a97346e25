package dev.odometer.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The Azure Marketplace Metering Service: {@code POST /api/usageEvent} (one event) and
 * {@code POST /api/batchUsageEvent} (up to 25), both with {@code api-version=2018-08-31}. One event is accepted per
 * resource, dimension and calendar hour; events older than 24 hours are {@code Expired}.
 */
final class AzureMetering {

    static final String SINGLE_PATH = "/api/usageEvent";
    static final String BATCH_PATH = "/api/batchUsageEvent";
    static final String API_VERSION = "2018-08-31";
    static final int MAX_EVENTS = 25;
    static final Duration MAX_AGE = Duration.ofHours(24);

    enum Status {
        Accepted, Expired, Duplicate, Error, ResourceNotFound, ResourceNotAuthorized, ResourceNotActive,
        InvalidDimension, InvalidQuantity, BadArgument
    }

    /** The fields of an event that parsed, whatever its verdict. */
    private record Event(String resourceId, String resourceUri, BigDecimal quantity, String dimension,
                         Instant effectiveStartTime, String planId) {
        String resource() {
            return resourceId != null ? resourceId : resourceUri;
        }
    }

    /** The verdict on one event: its result object, and the original event when it is a duplicate. */
    private record Outcome(Status status, ObjectNode result, Ledger.AzureEvent original) {}

    private final Catalog catalog;
    private final Ledger ledger;
    private final EmulatorClock clock;
    private final Duration futureTolerance;

    AzureMetering(Catalog catalog, Ledger ledger, EmulatorClock clock, Duration futureTolerance) {
        this.catalog = catalog;
        this.ledger = ledger;
        this.clock = clock;
        this.futureTolerance = futureTolerance;
    }

    ApiResponse batch(ApiRequest request) {
        requireApiVersion(request);
        JsonNode body = request.json();
        JsonNode events = body.isObject() ? body.get("request") : null;
        if (events == null || !events.isArray() || events.isEmpty()) {
            throw badRequest("the body must be {\"request\": [1 to " + MAX_EVENTS + " usage events]}");
        }
        if (events.size() > MAX_EVENTS) {
            throw badRequest("the batch has " + events.size() + " events, at most " + MAX_EVENTS + " are allowed");
        }
        List<Outcome> outcomes = ledger.atomically(() -> {
            List<Outcome> list = new ArrayList<>();
            events.forEach(event -> list.add(process(event, request.principal())));
            return list;
        });
        ObjectNode response = Json.object().put("count", outcomes.size());
        ArrayNode results = response.putArray("result");
        outcomes.forEach(outcome -> results.add(outcome.result));
        long accepted = outcomes.stream().filter(o -> o.status == Status.Accepted).count();
        return ApiResponse.json(200, response).withCounts((int) accepted, outcomes.size() - (int) accepted);
    }

    ApiResponse single(ApiRequest request) {
        requireApiVersion(request);
        JsonNode body = request.json();
        Outcome outcome = ledger.atomically(() -> process(body, request.principal()));
        return switch (outcome.status) {
            case Accepted -> ApiResponse.json(200, outcome.result).withCounts(1, 0);
            case Duplicate -> ApiResponse.json(409, Json.object()
                            .<ObjectNode>set("additionalInfo", Json.object().set("acceptedMessage", resultOf(outcome.original)))
                            .put("message", "This usage event already exist.")
                            .put("code", "Conflict"))
                    .withCounts(0, 1);
            case ResourceNotAuthorized -> ApiResponse.json(403, outcome.result.get("error")).withCounts(0, 1);
            default -> ApiResponse.json(400, outcome.result.get("error")).withCounts(0, 1);
        };
    }

    /** Checks one event and, when it is accepted, books it. Runs inside {@link Ledger#atomically}. */
    private Outcome process(JsonNode json, String principal) {
        Instant now = clock.now();
        if (!json.isObject()) {
            return rejected(Status.BadArgument, "a usage event must be a JSON object", null, now);
        }
        Event event = parse(json);
        Optional<String> missing = missingField(json, event);
        if (missing.isPresent()) {
            return rejected(Status.BadArgument, missing.get(), event, now);
        }
        if (event.effectiveStartTime.isAfter(now.plus(futureTolerance))) {
            return rejected(Status.BadArgument, "effectiveStartTime is in the future", event, now);
        }
        Catalog.AzureResource resource = catalog.azureResources().get(event.resource());
        if (resource == null) {
            return rejected(Status.ResourceNotFound, "the resource " + event.resource() + " is not found", event, now);
        }
        if (!resource.allowedClients().isEmpty() && !TokenStore.STATIC_PRINCIPAL.equals(principal)
                && !resource.allowedClients().contains(principal)) {
            return rejected(Status.ResourceNotAuthorized, "the caller may not report usage for " + event.resource(), event, now);
        }
        if (!resource.active()) {
            return rejected(Status.ResourceNotActive, "the resource " + event.resource() + " is not active", event, now);
        }
        if (!resource.planId().equals(event.planId)) {
            return rejected(Status.BadArgument, "planId " + event.planId + " is not the resource's plan", event, now);
        }
        if (!catalog.azurePlans().get(resource.planId()).contains(event.dimension)) {
            return rejected(Status.InvalidDimension, "the plan has no dimension " + event.dimension, event, now);
        }
        if (event.quantity.signum() <= 0) {
            return rejected(Status.InvalidQuantity, "quantity must be greater than 0", event, now);
        }
        if (event.effectiveStartTime.isBefore(now.minus(MAX_AGE))) {
            return rejected(Status.Expired, "the usage event is too old", event, now);
        }
        Optional<Ledger.AzureEvent> original = ledger.azureEventFor(event.resource(), event.dimension, event.effectiveStartTime);
        if (original.isPresent()) {
            ledger.rejectAzure(Status.Duplicate.name());
            ObjectNode result = result(Status.Duplicate, event, now, null);
            result.set("error", Json.object()
                    .<ObjectNode>set("additionalInfo", Json.object().set("acceptedMessage", resultOf(original.get())))
                    .put("message", "This usage event already exist.")
                    .put("code", "Conflict"));
            return new Outcome(Status.Duplicate, result, original.get());
        }
        Ledger.AzureEvent accepted = new Ledger.AzureEvent(UUID.randomUUID().toString(), event.resource(),
                event.planId, event.dimension, event.quantity, event.effectiveStartTime, now);
        ledger.acceptAzure(accepted);
        return new Outcome(Status.Accepted, result(Status.Accepted, event, now, accepted.usageEventId()), null);
    }

    private Outcome rejected(Status status, String message, Event event, Instant now) {
        ledger.rejectAzure(status.name());
        ObjectNode result = result(status, event, now, null);
        ObjectNode error = result.putObject("error").put("message", message).put("code", status.name());
        if (status == Status.BadArgument) {
            error.putArray("details").addObject().put("message", message).put("target", "usageEventRequest")
                    .put("code", "BadArgument");
        }
        return new Outcome(status, result, null);
    }

    private static ObjectNode result(Status status, Event event, Instant now, String usageEventId) {
        ObjectNode result = Json.object();
        if (usageEventId != null) {
            result.put("usageEventId", usageEventId);
        }
        result.put("status", status.name()).put("messageTime", now.toString());
        if (event != null) {
            putIfPresent(result, "resourceId", event.resourceId);
            putIfPresent(result, "resourceUri", event.resourceUri);
            if (event.quantity != null) {
                result.put("quantity", event.quantity);
            }
            putIfPresent(result, "dimension", event.dimension);
            if (event.effectiveStartTime != null) {
                result.put("effectiveStartTime", event.effectiveStartTime.toString());
            }
            putIfPresent(result, "planId", event.planId);
        }
        return result;
    }

    /** The accepted event as the API showed it when it was accepted (for a duplicate's {@code acceptedMessage}). */
    private static ObjectNode resultOf(Ledger.AzureEvent event) {
        return Json.object()
                .put("usageEventId", event.usageEventId())
                .put("status", Status.Accepted.name())
                .put("messageTime", event.messageTime().toString())
                .put("resourceId", event.resourceId())
                .put("quantity", event.quantity())
                .put("dimension", event.dimension())
                .put("effectiveStartTime", event.effectiveStartTime().toString())
                .put("planId", event.planId());
    }

    private static Event parse(JsonNode json) {
        return new Event(Json.text(json, "resourceId"), Json.text(json, "resourceUri"), quantity(json.get("quantity")),
                Json.text(json, "dimension"), Timestamps.iso8601Utc(Json.text(json, "effectiveStartTime")).orElse(null),
                Json.text(json, "planId"));
    }

    private static Optional<String> missingField(JsonNode json, Event event) {
        if (event.resource() == null) {
            return Optional.of("resourceId (or resourceUri) is required");
        }
        if (event.quantity == null) {
            return Optional.of("quantity is required and must be a number");
        }
        if (event.dimension == null) {
            return Optional.of("dimension is required");
        }
        if (event.effectiveStartTime == null) {
            return Optional.of(json.hasNonNull("effectiveStartTime")
                    ? "effectiveStartTime must be an ISO 8601 UTC date-time" : "effectiveStartTime is required");
        }
        if (event.planId == null) {
            return Optional.of("planId is required");
        }
        return Optional.empty();
    }

    private static BigDecimal quantity(JsonNode node) {
        if (node == null) {
            return null;
        }
        if (node.isNumber()) {
            return node.decimalValue();
        }
        if (node.isTextual()) {
            try {
                return new BigDecimal(node.asText());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static void putIfPresent(ObjectNode node, String name, String value) {
        if (value != null) {
            node.put(name, value);
        }
    }

    private static void requireApiVersion(ApiRequest request) {
        String version = request.query().get("api-version");
        if (!API_VERSION.equals(version)) {
            throw badRequest("api-version must be " + API_VERSION + (version == null ? "" : ", not " + version));
        }
    }

    private static ApiError badRequest(String message) {
        return ApiError.of(ApiFamily.AZURE_METERING, 400, message);
    }
}
