package dev.odometer.agent.marketplace.azure;

import dev.odometer.agent.marketplace.DeliveryException;
import dev.odometer.agent.marketplace.RecordOutcome;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of {@link AzureSkuValidation#check}: the same shape and methods as {@code
 * ValidationReport} (whose constructor is not open to other packages), so a caller prints either
 * the same way. A SKU that could not be checked, Azure having no dry run, is a line but not a
 * problem. Immutable.
 */
public final class AzureValidationReport {
    private final Map<String, RecordOutcome> skuOutcomes;
    private final List<String> lines;
    private final List<String> problems;
    private final DeliveryException failure;

    AzureValidationReport(Map<String, RecordOutcome> skuOutcomes, List<String> lines,
            List<String> problems, DeliveryException failure) {
        this.skuOutcomes = Collections.unmodifiableMap(new LinkedHashMap<>(skuOutcomes));
        this.lines = Collections.unmodifiableList(lines);
        this.problems = Collections.unmodifiableList(problems);
        this.failure = failure;
    }

    /** True when nothing was found wrong: a token was obtained and the SKUs do not collide. */
    public boolean isOk() {
        return problems.isEmpty();
    }

    /** Every line of the report, OK lines and problems, in a sensible order to print. */
    public List<String> lines() {
        return lines;
    }

    /** Only the problem lines, each saying what to fix. */
    public List<String> problems() {
        return problems;
    }

    /**
     * The verdict per SKU alias ({@code NOT_CHECKED} when only the credentials could be
     * checked); aliases not even asked about are absent.
     */
    public Map<String, RecordOutcome> skuOutcomes() {
        return skuOutcomes;
    }

    /** The failure that stopped the check (no token, ...), if any. */
    public Optional<DeliveryException> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public String toString() {
        return String.join(System.lineSeparator(), lines);
    }
}
