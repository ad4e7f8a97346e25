package dev.odometer.agent.marketplace;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of {@link SkuValidation#check}: a line per configured SKU and one per access or
 * product problem, ready to print. Immutable.
 */
public final class ValidationReport {
    private final Map<String, RecordOutcome> skuOutcomes;
    private final List<String> lines;
    private final List<String> problems;
    private final DeliveryException failure;

    ValidationReport(Map<String, RecordOutcome> skuOutcomes, List<String> lines,
            List<String> problems, DeliveryException failure) {
        this.skuOutcomes = Collections.unmodifiableMap(new LinkedHashMap<>(skuOutcomes));
        this.lines = Collections.unmodifiableList(lines);
        this.problems = Collections.unmodifiableList(problems);
        this.failure = failure;
    }

    /** True when every SKU was accepted and nothing else went wrong. */
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

    /** The marketplace's verdict per SKU alias; aliases that could not be checked are absent. */
    public Map<String, RecordOutcome> skuOutcomes() {
        return skuOutcomes;
    }

    /** The failure that stopped the check (401, 403, no token, unreachable, ...), if any. */
    public Optional<DeliveryException> failure() {
        return Optional.ofNullable(failure);
    }

    @Override
    public String toString() {
        return String.join(System.lineSeparator(), lines);
    }
}
