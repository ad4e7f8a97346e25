/**
 * What the delivery loop needs to know about any marketplace: {@link
 * dev.odometer.agent.marketplace.MarketplaceClient} sends batches of sealed records and answers
 * with a {@link dev.odometer.agent.marketplace.SendResult} (an outcome per record) or a {@link
 * dev.odometer.agent.marketplace.DeliveryException} (the batch as a whole failed, classified).
 * {@link dev.odometer.agent.marketplace.HttpClients} builds the one HTTP client the agent shares;
 * {@link dev.odometer.agent.marketplace.SkuValidation} checks a configuration without billing.
 */
package dev.odometer.agent.marketplace;
