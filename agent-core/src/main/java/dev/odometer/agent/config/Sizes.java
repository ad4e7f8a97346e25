package dev.odometer.agent.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the config's sizes: {@code 1048576}, {@code 512KiB}, {@code 64MiB}, {@code 1GiB}. */
final class Sizes {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kmg]i?b)?");

    private Sizes() {
    }

    /** @return the size in bytes, or null when the text is not a size */
    static Long parse(String text) {
        Matcher m = SIZE.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            return null;
        }
        long amount;
        try {
            amount = Long.parseLong(m.group(1));
        } catch (NumberFormatException tooLarge) {
            return null;
        }
        String unit = m.group(2);
        int shift = unit == null ? 0 : unit.startsWith("k") ? 10 : unit.startsWith("m") ? 20 : 30;
        if (amount > (Long.MAX_VALUE >> shift)) {
            return null;
        }
        return amount << shift;
    }
}
