package dev.odometer.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/** Builds Azure metering request bodies with Jackson. */
final class AzureEvents {

    static final String BATCH = AzureMetering.BATCH_PATH + "?api-version=2018-08-31";
    static final String SINGLE = AzureMetering.SINGLE_PATH + "?api-version=2018-08-31";

    private AzureEvents() {}

    static ObjectNode event(String resourceId, String dimension, double quantity, Instant effectiveStartTime) {
        return EmulatorClient.JSON.createObjectNode()
                .put("resourceId", resourceId)
                .put("quantity", BigDecimal.valueOf(quantity))
                .put("dimension", dimension)
                .put("effectiveStartTime", effectiveStartTime.toString())
                .put("planId", "demo-plan");
    }

    static ObjectNode batch(ObjectNode... events) {
        ObjectNode body = EmulatorClient.JSON.createObjectNode();
        for (ObjectNode event : events) {
            body.withArray("request").add(event);
        }
        return body;
    }

    static String clientCredentials(String clientId, String secret) {
        return "grant_type=client_credentials&client_id=" + enc(clientId) + "&client_secret=" + enc(secret)
                + "&resource=" + AzureAad.MARKETPLACE_RESOURCE;
    }

    static String enc(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
