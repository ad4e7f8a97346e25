/**
 * The Azure Marketplace Metering Service client: {@link
 * dev.odometer.agent.marketplace.azure.AzureMeteringClient} (batch usage events for a SaaS
 * subscription or a managed application, results matched to records by dimension and hour) and
 * {@link dev.odometer.agent.marketplace.azure.AzureSkuValidation}, the configuration check for a
 * marketplace without a dry run. Its Azure AD tokens come from {@code
 * dev.odometer.agent.auth.AadClientCredentialsTokenSource} or {@code
 * dev.odometer.agent.auth.ManagedIdentityTokenSource}.
 */
package dev.odometer.agent.marketplace.azure;
