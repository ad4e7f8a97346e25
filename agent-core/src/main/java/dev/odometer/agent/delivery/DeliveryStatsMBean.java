package dev.odometer.agent.delivery;

import java.util.Map;

/**
 * Delivery statistics, registered as the JMX MBean {@code dev.odometer:type=Delivery} so that
 * operators see in jconsole or their JMX exporter what was metered and what reached the
 * marketplace.
 */
public interface DeliveryStatsMBean {
    long getRecordsSealed();

    long getUnitsSealed();

    long getRecordsDelivered();

    long getUnitsDelivered();

    /** Records the marketplace already had (DUPLICATE): delivered by an earlier attempt. */
    long getRecordsDuplicate();

    /** Records rejected for good, by reason (INVALID_SKU_ID, EXPIRED, ...). */
    Map<String, Long> getRecordsRejectedByReason();

    long getRecordsPending();

    long getUnitsPending();

    long getRecordsParked();

    /** The last failure, one line, never a secret; empty when the last attempt succeeded. */
    String getLastError();

    /** When the marketplace last answered a send, ISO-8601, or empty. */
    String getLastSuccess();

    /**
     * Whether this process sends to the marketplace: always without {@code cluster:}; in a
     * cluster, only the node that holds the delivery lease.
     */
    boolean isDeliveringNode();

    /** This process's part, one line: alone, or which node of the cluster delivers. */
    String getRole();
}
