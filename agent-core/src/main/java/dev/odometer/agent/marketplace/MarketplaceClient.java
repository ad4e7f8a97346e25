package dev.odometer.agent.marketplace;

import dev.odometer.agent.record.UsageRecord;
import java.util.List;

/**
 * Sends sealed usage records to one marketplace product. Implementations are thread-safe and
 * never invent or change uuids: a resend of the same batch carries the same uuids, so the
 * marketplace can tell it is a duplicate.
 */
public interface MarketplaceClient {

    /**
     * Writes the batch.
     *
     * @param batch 1 to {@link #maxBatchSize()} records with distinct uuids
     * @return the outcome of every record of the batch
     * @throws DeliveryException when the batch as a whole got no per-record answer
     */
    SendResult send(List<UsageRecord> batch) throws DeliveryException;

    /**
     * Asks the marketplace to check access and the records without writing anything (Yandex's
     * validateOnly / dryRun). A success does not promise that a later real write is accepted.
     */
    SendResult validate(List<UsageRecord> batch) throws DeliveryException;

    /** The most records one call takes. */
    int maxBatchSize();

    /** One line naming the marketplace, product and endpoint, for logs; never a secret. */
    String describe();
}
