package dev.odometer.agent.marketplace;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The outcome of a configuration check ({@link SkuValidation#check}, or a marketplace's own
 * check built on {@link SkuValidation#ask}): a line per configured SKU and one per access or
 * product problem, ready to print. Immutable.
 */
public final class ValidationReport {
    private final Map<String, RecordOutcome> skuOutcomes;
    private final List<String> lines;
    private final List<String> problems;
    private final DeliveryException failure;

    private ValidationReport(Builder builder) {
        List<String> all = new ArrayList<>();
        for (String problem : builder.problems) {
            if (!builder.lines.contains(problem)) {
                all.add(problem);
            }
        }
        all.addAll(builder.lines);
        this.skuOutcomes = Collections.unmodifiableMap(new LinkedHashMap<>(builder.skuOutcomes));
        this.lines = Collections.unmodifiableList(all);
        this.problems = Collections.unmodifiableList(new ArrayList<>(builder.problems));
        this.failure = builder.failure;
    }

    /**
     * True when nothing was found wrong: every SKU the marketplace judged was accepted (a SKU a
     * marketplace without a dry run could not judge is no problem) and nothing else went wrong.
     */
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
     * The marketplace's verdict per SKU alias ({@code NOT_CHECKED} where only the credentials
     * could be checked); aliases that could not be checked, or were not asked about, are absent.
     */
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

    /**
     * A report being written: {@link SkuValidation#ask} fills in the marketplace's verdicts and
     * the failure that stopped it, if any; the check then adds its lines and problems, in the
     * order they are to be printed. The report lists the problems that are not also lines
     * first, then the lines. Not thread-safe.
     */
    public static final class Builder {
        private final Map<String, RecordOutcome> skuOutcomes = new LinkedHashMap<>();
        private final List<String> lines = new ArrayList<>();
        private final List<String> problems = new ArrayList<>();
        private DeliveryException failure;

        Builder() {
        }

        /** The marketplace's verdict on the SKU alias, or null when it gave none. */
        public RecordOutcome outcome(String alias) {
            return skuOutcomes.get(alias);
        }

        /** True when the marketplace gave this verdict on at least one SKU. */
        public boolean anyOutcome(RecordOutcome outcome) {
            return skuOutcomes.containsValue(outcome);
        }

        /** True when a failure stopped the check (its problem line is already added). */
        public boolean failed() {
            return failure != null;
        }

        /** Adds a line that is no problem. */
        public Builder line(String line) {
            lines.add(line);
            return this;
        }

        /** Adds a problem that is not a line of its own (printed before the lines). */
        public Builder problem(String problem) {
            problems.add(problem);
            return this;
        }

        /** Adds a line that is a problem, too. */
        public Builder problemLine(String line) {
            lines.add(line);
            problems.add(line);
            return this;
        }

        /**
         * Adds the line every marketplace words alike for a SKU with the verdict
         * {@code outcome}: not checked (null), OK (delivered), or a problem saying what the
         * verdict means.
         *
         * @param sku names the SKU, e.g. {@code "SKU alias 'emails' -> sku_id 'abc'"}
         */
        public Builder verdict(String sku, RecordOutcome outcome) {
            if (outcome == null) {
                return line(sku + ": not checked");
            }
            if (outcome.isDelivered()) {
                return line(sku + ": OK");
            }
            return problemLine(sku + " was rejected as " + outcome + ": "
                    + outcome.explanation());
        }

        Builder outcome(String alias, RecordOutcome outcome) {
            skuOutcomes.put(alias, outcome);
            return this;
        }

        Builder failure(DeliveryException failure, String problem) {
            this.failure = failure;
            return problem(problem);
        }

        public ValidationReport build() {
            return new ValidationReport(this);
        }
    }
}
