package dev.odometer.emulator;

import java.security.PublicKey;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the emulated marketplaces know: Yandex products with their SKUs and SaaS instances, Azure plans and
 * resources, the credentials that may call them. Immutable; every {@code with...} returns a changed copy.
 */
record Catalog(
        Map<String, Set<String>> products,
        Map<String, String> saasInstances,
        Set<String> staticTokens,
        Map<String, ServiceAccountKey> serviceAccountKeys,
        Map<String, Set<String>> azurePlans,
        Map<String, AzureResource> azureResources,
        Map<String, String> aadClients) {

    /** A service account's public key, looked up by the {@code kid} of the JWTs it signs. */
    record ServiceAccountKey(String keyId, String serviceAccountId, PublicKey publicKey) {}

    /**
     * An Azure SaaS subscription or managed application.
     *
     * @param allowedClients AAD client ids whose tokens may report for it; empty means any client
     */
    record AzureResource(String id, String planId, boolean active, Set<String> allowedClients) {
        AzureResource {
            allowedClients = Set.copyOf(allowedClients);
        }
    }

    Catalog {
        products = frozen(products);
        saasInstances = frozen(saasInstances);
        staticTokens = Set.copyOf(staticTokens);
        serviceAccountKeys = frozen(serviceAccountKeys);
        azurePlans = frozen(azurePlans);
        azureResources = frozen(azureResources);
        aadClients = frozen(aadClients);
    }

    static Catalog empty() {
        return new Catalog(Map.of(), Map.of(), Set.of(), Map.of(), Map.of(), Map.of(), Map.of());
    }

    /** The demo marketplace that {@code java -jar odometer-emulator.jar} serves without a config file. */
    static Catalog demo() {
        return empty()
                .withProduct("demo-product", List.of("sku-email", "sku-request", "sku-storage"))
                .withSaasInstance("demo-instance", "demo-product")
                .withStaticToken("demo-token")
                .withAzurePlan("demo-plan", List.of("email", "request"))
                .withAzureResource(new AzureResource("demo-subscription", "demo-plan", true, Set.of()))
                .withAadClient("demo-client", "demo-secret");
    }

    Catalog withProduct(String productId, Collection<String> skus) {
        return new Catalog(put(products, productId, orderedSet(skus)), saasInstances, staticTokens,
                serviceAccountKeys, azurePlans, azureResources, aadClients);
    }

    Catalog withSaasInstance(String instanceId, String productId) {
        return new Catalog(products, put(saasInstances, instanceId, productId), staticTokens,
                serviceAccountKeys, azurePlans, azureResources, aadClients);
    }

    Catalog withStaticToken(String token) {
        Set<String> tokens = new LinkedHashSet<>(staticTokens);
        tokens.add(token);
        return new Catalog(products, saasInstances, tokens, serviceAccountKeys, azurePlans, azureResources, aadClients);
    }

    Catalog withServiceAccountKey(ServiceAccountKey key) {
        return new Catalog(products, saasInstances, staticTokens, put(serviceAccountKeys, key.keyId(), key),
                azurePlans, azureResources, aadClients);
    }

    Catalog withAzurePlan(String planId, Collection<String> dimensions) {
        return new Catalog(products, saasInstances, staticTokens, serviceAccountKeys,
                put(azurePlans, planId, orderedSet(dimensions)), azureResources, aadClients);
    }

    Catalog withAzureResource(AzureResource resource) {
        return new Catalog(products, saasInstances, staticTokens, serviceAccountKeys, azurePlans,
                put(azureResources, resource.id(), resource), aadClients);
    }

    Catalog withAadClient(String clientId, String secret) {
        return new Catalog(products, saasInstances, staticTokens, serviceAccountKeys, azurePlans, azureResources,
                put(aadClients, clientId, secret));
    }

    Catalog withYandexFrom(Catalog other) {
        return new Catalog(other.products, other.saasInstances, staticTokens, other.serviceAccountKeys,
                azurePlans, azureResources, aadClients);
    }

    Catalog withAzureFrom(Catalog other) {
        return new Catalog(products, saasInstances, staticTokens, serviceAccountKeys,
                other.azurePlans, other.azureResources, other.aadClients);
    }

    Catalog withStaticTokensOnly(Collection<String> tokens) {
        return new Catalog(products, saasInstances, orderedSet(tokens), serviceAccountKeys, azurePlans,
                azureResources, aadClients);
    }

    /** Fails with a message naming the first reference to something that is not configured. */
    void checkReferences() {
        saasInstances.forEach((instance, product) -> {
            if (!products.containsKey(product)) {
                throw new IllegalArgumentException("SaaS instance '" + instance + "' names unknown product '" + product + "'");
            }
        });
        azureResources.values().forEach(resource -> {
            if (!azurePlans.containsKey(resource.planId())) {
                throw new IllegalArgumentException(
                        "Azure resource '" + resource.id() + "' names unknown plan '" + resource.planId() + "'");
            }
        });
    }

    private static <K, V> Map<K, V> put(Map<K, V> map, K key, V value) {
        Map<K, V> copy = new LinkedHashMap<>(map);
        copy.put(key, value);
        return copy;
    }

    private static Set<String> orderedSet(Collection<String> values) {
        return java.util.Collections.unmodifiableSet(new LinkedHashSet<>(values));
    }

    private static <K, V> Map<K, V> frozen(Map<K, V> map) {
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }
}
