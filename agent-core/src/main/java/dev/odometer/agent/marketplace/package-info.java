/**
 * What the delivery loop needs to know about any marketplace: {@link
 * dev.odometer.agent.marketplace.MarketplaceClient} sends batches of sealed records and answers
 * with a {@link dev.odometer.agent.marketplace.SendResult} (an outcome per record) or a {@link
 * dev.odometer.agent.marketplace.DeliveryException} (the batch as a whole failed, classified).
 * {@link dev.odometer.agent.marketplace.HttpClients} builds the one HTTP client the agent shares;
 * {@link dev.odometer.agent.marketplace.MeteringEndpoint} makes a client's calls (bearer token,
 * one retry after a 401) and {@link dev.odometer.agent.marketplace.MeteringFailures} classifies
 * what went wrong, each marketplace adding only its own wording;
 * {@link dev.odometer.agent.marketplace.SkuValidation} checks a configuration without billing,
 * into a {@link dev.odometer.agent.marketplace.ValidationReport}.
 */
package dev.odometer.agent.marketplace;
