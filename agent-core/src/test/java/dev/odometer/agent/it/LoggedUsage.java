package dev.odometer.agent.it;

import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Sums the usage records that the {@code log} marketplace printed, per SKU alias. */
final class LoggedUsage {
    private static final Pattern RECORD = Pattern.compile(
            "usage record uuid=(\\S+) sku=(\\S+) \\(\\S+\\) quantity=(\\d+)");

    private LoggedUsage() {
    }

    static Map<String, Long> totals(String output) {
        Map<String, Long> totals = new TreeMap<>();
        Matcher m = RECORD.matcher(output);
        while (m.find()) {
            totals.merge(m.group(2), Long.parseLong(m.group(3)), Long::sum);
        }
        return totals;
    }
}
