package dev.odometer.agent.marketplace;

import dev.odometer.agent.record.UsageRecord;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * The marketplace's answer to one batch, record by record. Immutable.
 *
 * <p>Every record of the batch has an outcome: those the answer did not mention are
 * {@link RecordOutcome#MISSING}. Uuids in the answer that were not in the batch are ignored and
 * only counted ({@link #unexpectedUuids()}).
 */
public final class SendResult {
    private final Map<UUID, RecordOutcome> outcomes;
    private final Map<UUID, String> reasons;
    private final int unexpectedUuids;

    private SendResult(Map<UUID, RecordOutcome> outcomes, Map<UUID, String> reasons,
            int unexpectedUuids) {
        this.outcomes = Collections.unmodifiableMap(outcomes);
        this.reasons = Collections.unmodifiableMap(reasons);
        this.unexpectedUuids = unexpectedUuids;
    }

    /** Starts a result for {@code batch}; every record is MISSING until told otherwise. */
    public static Builder builder(List<UsageRecord> batch) {
        return new Builder(batch);
    }

    /** The outcome of every record of the batch, in batch order. */
    public Map<UUID, RecordOutcome> outcomes() {
        return outcomes;
    }

    /** The outcome of one record of the batch. */
    public RecordOutcome outcome(UUID uuid) {
        RecordOutcome outcome = outcomes.get(uuid);
        if (outcome == null) {
            throw new IllegalArgumentException("uuid " + uuid + " was not in the batch");
        }
        return outcome;
    }

    /**
     * The marketplace's own word for a rejection (e.g. {@code REASON_UNSPECIFIED} or a reason
     * this version does not know), for logs.
     */
    public Optional<String> reason(UUID uuid) {
        return Optional.ofNullable(reasons.get(uuid));
    }

    /** True when every record of the batch is delivered (accepted now or a duplicate). */
    public boolean allDelivered() {
        for (RecordOutcome outcome : outcomes.values()) {
            if (!outcome.isDelivered()) {
                return false;
            }
        }
        return true;
    }

    /** The uuids with the given outcome, in batch order. */
    public List<UUID> withOutcome(RecordOutcome wanted) {
        List<UUID> uuids = new ArrayList<>();
        for (Map.Entry<UUID, RecordOutcome> e : outcomes.entrySet()) {
            if (e.getValue() == wanted) {
                uuids.add(e.getKey());
            }
        }
        return uuids;
    }

    /** How many uuids the answer mentioned that were not in the batch (a marketplace oddity). */
    public int unexpectedUuids() {
        return unexpectedUuids;
    }

    @Override
    public String toString() {
        Map<RecordOutcome, Integer> counts = new LinkedHashMap<>();
        for (RecordOutcome outcome : outcomes.values()) {
            counts.merge(outcome, 1, Integer::sum);
        }
        return "SendResult" + counts;
    }

    /** Collects a marketplace's answer. Not thread-safe. */
    public static final class Builder {
        private final Map<UUID, RecordOutcome> outcomes = new LinkedHashMap<>();
        private final Map<UUID, String> reasons = new LinkedHashMap<>();
        private int unexpectedUuids;

        private Builder(List<UsageRecord> batch) {
            for (UsageRecord record : batch) {
                if (outcomes.put(record.uuid(), RecordOutcome.MISSING) != null) {
                    throw new IllegalArgumentException(
                            "uuid " + record.uuid() + " appears twice in the batch");
                }
            }
        }

        /**
         * Records the outcome of one uuid. A record the answer reports as delivered stays
         * delivered even if it is also listed as rejected.
         *
         * @param reason the marketplace's own word for it, or null
         */
        public Builder outcome(UUID uuid, RecordOutcome outcome, String reason) {
            Objects.requireNonNull(outcome, "outcome");
            RecordOutcome previous = outcomes.get(uuid);
            if (previous == null) {
                unexpectedUuids++;
                return this;
            }
            if (previous.isDelivered() && !outcome.isDelivered()) {
                return this;
            }
            outcomes.put(uuid, outcome);
            if (reason != null) {
                reasons.put(uuid, reason);
            } else {
                reasons.remove(uuid);
            }
            return this;
        }

        public SendResult build() {
            return new SendResult(new LinkedHashMap<>(outcomes), new LinkedHashMap<>(reasons),
                    unexpectedUuids);
        }
    }
}
