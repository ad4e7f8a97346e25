package dev.odometer.agent.marketplace.azure;

import dev.odometer.agent.marketplace.RecordOutcome;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Maps the {@code status} of an Azure usage event result onto {@link RecordOutcome}, and words
 * the result's {@code error} as the reason kept for logs.
 */
final class AzureStatuses {
    private static final int MAX_REASON = 300;

    private AzureStatuses() {
    }

    /** @param status the result's {@code status}: a String, or anything else when malformed */
    static RecordOutcome outcome(Object status) {
        if (!(status instanceof String)) {
            return RecordOutcome.AZURE_UNKNOWN_STATUS; // no status: it may have been stored
        }
        switch (((String) status).trim().toLowerCase(Locale.ROOT)) {
            case "accepted":
                return RecordOutcome.ACCEPTED;
            case "duplicate":
                return RecordOutcome.DUPLICATE;
            case "expired":
                return RecordOutcome.AZURE_EXPIRED;
            case "resourcenotfound":
                return RecordOutcome.AZURE_RESOURCE_NOT_FOUND;
            case "resourcenotauthorized":
                return RecordOutcome.AZURE_RESOURCE_NOT_AUTHORIZED;
            case "resourcenotactive":
                return RecordOutcome.AZURE_RESOURCE_NOT_ACTIVE;
            case "invaliddimension":
                return RecordOutcome.AZURE_INVALID_DIMENSION;
            case "invalidquantity":
                return RecordOutcome.INVALID_QUANTITY;
            case "badargument":
                return RecordOutcome.AZURE_BAD_ARGUMENT;
            default:
                // "Error" and statuses added later: the event may have been stored
                return RecordOutcome.AZURE_UNKNOWN_STATUS;
        }
    }

    /**
     * The raw status and what the result's {@code error} says, on one line, e.g.
     * {@code "InvalidDimension: the plan has no dimension pdf"} or {@code "Duplicate (Conflict):
     * This usage event already exist.; accepted earlier: quantity 5"}; null for Accepted.
     * Text holding one of {@code sentTokens} is left out.
     */
    static String reason(Map<?, ?> result, List<String> sentTokens) {
        Object status = result.get("status");
        if (outcome(status) == RecordOutcome.ACCEPTED) {
            return null;
        }
        String statusText = status instanceof String ? ((String) status).trim()
                : status == null ? "no status" : "status " + status;
        Object error = result.get("error");
        if (!(error instanceof Map)) {
            return clip(statusText);
        }
        Map<?, ?> err = (Map<?, ?>) error;
        StringBuilder reason = new StringBuilder(statusText);
        String code = text(err.get("code"));
        if (code != null && !code.equalsIgnoreCase(statusText)) {
            reason.append(" (").append(code).append(')');
        }
        List<String> said = new ArrayList<>();
        addText(said, err.get("message"));
        if (err.get("details") instanceof List) {
            for (Object detail : (List<?>) err.get("details")) {
                if (detail instanceof Map) {
                    addText(said, ((Map<?, ?>) detail).get("message"));
                }
            }
        }
        String accepted = acceptedEarlier(err.get("additionalInfo"));
        if (accepted != null) {
            said.add(accepted);
        }
        String words = String.join("; ", said);
        for (String token : sentTokens) {
            if (token != null && !token.isEmpty() && words.contains(token)) {
                words = "";
                break;
            }
        }
        if (!words.isEmpty()) {
            reason.append(": ").append(words);
        }
        return clip(reason.toString());
    }

    /**
     * The quantity of the event Azure accepted earlier, from a Duplicate's {@code
     * error.additionalInfo.acceptedMessage}, or null when the result does not say.
     */
    static BigDecimal acceptedQuantity(Map<?, ?> result) {
        Object error = result.get("error");
        if (!(error instanceof Map)) {
            return null;
        }
        Object info = ((Map<?, ?>) error).get("additionalInfo");
        Object original = info instanceof Map ? ((Map<?, ?>) info).get("acceptedMessage") : null;
        Object quantity = original instanceof Map ? ((Map<?, ?>) original).get("quantity") : null;
        if (quantity instanceof Number || quantity instanceof String) {
            try {
                return new BigDecimal(quantity.toString().trim());
            } catch (NumberFormatException notANumber) {
                return null;
            }
        }
        return null;
    }

    /** "accepted earlier: quantity N" from a Duplicate's {@code additionalInfo.acceptedMessage}. */
    private static String acceptedEarlier(Object additionalInfo) {
        if (!(additionalInfo instanceof Map)) {
            return null;
        }
        Object original = ((Map<?, ?>) additionalInfo).get("acceptedMessage");
        if (!(original instanceof Map)) {
            return null;
        }
        Object quantity = ((Map<?, ?>) original).get("quantity");
        return quantity instanceof Number || quantity instanceof String
                ? "accepted earlier: quantity " + quantity : null;
    }

    private static void addText(List<String> said, Object value) {
        String text = text(value);
        if (text != null && !said.contains(text)) {
            said.add(text);
        }
    }

    private static String text(Object value) {
        if (!(value instanceof String)) {
            return null;
        }
        String text = ((String) value).replaceAll("\\s+", " ").trim();
        return text.isEmpty() ? null : text;
    }

    private static String clip(String text) {
        return text.length() <= MAX_REASON ? text : text.substring(0, MAX_REASON) + "...";
    }
}
