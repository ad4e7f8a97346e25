package dev.odometer.agent.marketplace.yandex;

import dev.odometer.agent.marketplace.RecordOutcome;
import java.util.Locale;

/**
 * Maps {@code RejectedUsageRecord.Reason} of the Yandex metering API onto {@link RecordOutcome}:
 * by name, or by its proto number should a gateway write enums as integers.
 */
final class YandexReasons {
    private YandexReasons() {
    }

    /** @param reason the answer's {@code reason}: a String, a Number or null */
    static RecordOutcome outcome(Object reason) {
        if (reason instanceof Number) {
            return byNumber(((Number) reason).intValue());
        }
        if (!(reason instanceof String)) {
            return RecordOutcome.UNKNOWN;
        }
        switch (((String) reason).trim().toUpperCase(Locale.ROOT)) {
            case "DUPLICATE":
                return RecordOutcome.DUPLICATE;
            case "EXPIRED":
                return RecordOutcome.EXPIRED;
            case "INVALID_TIMESTAMP":
                return RecordOutcome.INVALID_TIMESTAMP;
            case "INVALID_SKU_ID":
                return RecordOutcome.INVALID_SKU_ID;
            case "INVALID_PRODUCT_ID":
                return RecordOutcome.INVALID_PRODUCT_ID;
            case "INVALID_QUANTITY":
                return RecordOutcome.INVALID_QUANTITY;
            case "INVALID_ID":
                return RecordOutcome.INVALID_ID;
            default:
                return RecordOutcome.UNKNOWN; // REASON_UNSPECIFIED and reasons added later
        }
    }

    private static RecordOutcome byNumber(int number) {
        switch (number) {
            case 1:
                return RecordOutcome.DUPLICATE;
            case 2:
                return RecordOutcome.EXPIRED;
            case 3:
                return RecordOutcome.INVALID_TIMESTAMP;
            case 4:
                return RecordOutcome.INVALID_SKU_ID;
            case 5:
                return RecordOutcome.INVALID_PRODUCT_ID;
            case 6:
                return RecordOutcome.INVALID_QUANTITY;
            case 7:
                return RecordOutcome.INVALID_ID;
            default:
                return RecordOutcome.UNKNOWN;
        }
    }
}
