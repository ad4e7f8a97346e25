package dev.odometer.emulator;

import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How to start a {@link MarketplaceEmulator}: where it listens, what the marketplaces know (products, SKUs,
 * Azure resources, credentials), its time rules and initial faults. Immutable: each {@code with...} returns a
 * changed copy, so tests can start from {@link #defaults()} and add what they need.
 *
 * <p>The defaults are the demo marketplace: Yandex product {@code demo-product} with SKUs {@code sku-email},
 * {@code sku-request}, {@code sku-storage}, SaaS instance {@code demo-instance} of it; Azure resource
 * {@code demo-subscription} on plan {@code demo-plan} with dimensions {@code email}, {@code request}; AAD client
 * {@code demo-client}/{@code demo-secret}; static bearer token {@code demo-token}, valid for both marketplaces.
 */
public final class EmulatorSettings {

    private final String bindAddress;
    private final int port;
    private final long seed;
    private final Duration futureTolerance;
    private final Duration iamTokenLifetime;
    private final Duration aadTokenLifetime;
    private final Duration clockOffset;
    private final FaultSettings faults;
    private final Catalog catalog;

    private EmulatorSettings(String bindAddress, int port, long seed, Duration futureTolerance,
                             Duration iamTokenLifetime, Duration aadTokenLifetime, Duration clockOffset,
                             FaultSettings faults, Catalog catalog) {
        this.bindAddress = bindAddress;
        this.port = port;
        this.seed = seed;
        this.futureTolerance = futureTolerance;
        this.iamTokenLifetime = iamTokenLifetime;
        this.aadTokenLifetime = aadTokenLifetime;
        this.clockOffset = clockOffset;
        this.faults = faults;
        this.catalog = catalog;
    }

    /** 127.0.0.1, port 8080, seed 42, 60 s tolerance for future timestamps, 12 h IAM tokens, no faults, the demo catalog. */
    public static EmulatorSettings defaults() {
        return new EmulatorSettings("127.0.0.1", 8080, 42, Duration.ofSeconds(60), Duration.ofHours(12),
                Duration.ofSeconds(3599), Duration.ZERO, FaultSettings.none(), Catalog.demo());
    }

    /**
     * These settings changed by a YAML or JSON config file (format in the module's README): each top-level
     * section the file has ({@code yandex}, {@code azure}, {@code staticTokens}) replaces that part of the
     * catalog; {@code server} and {@code faults} change only the values they name.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public EmulatorSettings withConfigFile(Path file) {
        return ConfigFile.load(file).applyTo(this);
    }

    /** Port to listen on; 0 picks a free one (read it back from {@link MarketplaceEmulator#baseUri()}). */
    public EmulatorSettings withPort(int newPort) {
        if (newPort < 0 || newPort > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, not " + newPort);
        }
        return new EmulatorSettings(bindAddress, newPort, seed, futureTolerance, iamTokenLifetime, aadTokenLifetime, clockOffset, faults, catalog);
    }

    /** Address to bind; 127.0.0.1 unless the emulator must be reachable from elsewhere (a container, say). */
    public EmulatorSettings withBindAddress(String address) {
        return new EmulatorSettings(Objects.requireNonNull(address), port, seed, futureTolerance, iamTokenLifetime, aadTokenLifetime, clockOffset, faults, catalog);
    }

    /** Seed of the random choices of fault injection: the same seed and requests give the same faults. */
    public EmulatorSettings withSeed(long newSeed) {
        return new EmulatorSettings(bindAddress, port, newSeed, futureTolerance, iamTokenLifetime, aadTokenLifetime, clockOffset, faults, catalog);
    }

    /** How far in the future a usage timestamp may be before Yandex says {@code INVALID_TIMESTAMP} (Azure: {@code BadArgument}). */
    public EmulatorSettings withFutureTolerance(Duration tolerance) {
        return new EmulatorSettings(bindAddress, port, seed, requireNonNegative(tolerance), iamTokenLifetime, aadTokenLifetime, clockOffset, faults, catalog);
    }

    /** Lifetime of the IAM tokens the emulator issues (JWT exchange and VM metadata); Yandex's is 12 hours. */
    public EmulatorSettings withIamTokenLifetime(Duration lifetime) {
        return new EmulatorSettings(bindAddress, port, seed, futureTolerance, requirePositive(lifetime), aadTokenLifetime, clockOffset, faults, catalog);
    }

    /** Lifetime of the AAD tokens the emulator issues (client credentials and managed identity); about an hour in Azure. */
    public EmulatorSettings withAadTokenLifetime(Duration lifetime) {
        return new EmulatorSettings(bindAddress, port, seed, futureTolerance, iamTokenLifetime, requirePositive(lifetime), clockOffset, faults, catalog);
    }

    /** Initial offset of the {@link EmulatorClock} from the system clock. */
    public EmulatorSettings withClockOffset(Duration offset) {
        return new EmulatorSettings(bindAddress, port, seed, futureTolerance, iamTokenLifetime, aadTokenLifetime, Objects.requireNonNull(offset), faults, catalog);
    }

    /** Faults in force from the start. */
    public EmulatorSettings withFaults(FaultSettings initial) {
        return new EmulatorSettings(bindAddress, port, seed, futureTolerance, iamTokenLifetime, aadTokenLifetime, clockOffset, Objects.requireNonNull(initial), catalog);
    }

    /** Adds (or replaces) a Yandex product and the SKUs that may be reported for it. */
    public EmulatorSettings withProduct(String productId, String... skuIds) {
        return withCatalog(catalog.withProduct(productId, List.of(skuIds)));
    }

    /** Adds a Yandex SaaS product instance ({@code productUsage/write}'s {@code productInstanceId}) of a product. */
    public EmulatorSettings withSaasInstance(String productInstanceId, String productId) {
        return withCatalog(catalog.withSaasInstance(productInstanceId, productId));
    }

    /** Adds a bearer token that never expires and is valid for both marketplaces. */
    public EmulatorSettings withStaticToken(String token) {
        return withCatalog(catalog.withStaticToken(token));
    }

    /** Registers a service account's public key: JWTs with header {@code kid = keyId} and {@code iss = serviceAccountId} verify against it. */
    public EmulatorSettings withServiceAccountKey(String keyId, String serviceAccountId, PublicKey publicKey) {
        return withCatalog(catalog.withServiceAccountKey(new Catalog.ServiceAccountKey(keyId, serviceAccountId, publicKey)));
    }

    /** Registers the public key of a key made by {@link AuthorizedKeys#generate}. */
    public EmulatorSettings withServiceAccountKey(AuthorizedKeys.GeneratedKey key) {
        return withServiceAccountKey(key.keyId(), key.serviceAccountId(), key.publicKey());
    }

    /** Adds (or replaces) an Azure plan and its metering dimensions. */
    public EmulatorSettings withAzurePlan(String planId, String... dimensions) {
        return withCatalog(catalog.withAzurePlan(planId, List.of(dimensions)));
    }

    /**
     * Adds an Azure resource (SaaS subscription id, or managed application resource URI) on a plan.
     *
     * @param active         false: events for it are {@code ResourceNotActive} (an unsubscribed SaaS subscription)
     * @param allowedClients AAD client ids that may report for it (others get {@code ResourceNotAuthorized}); none means any
     */
    public EmulatorSettings withAzureResource(String resourceId, String planId, boolean active, String... allowedClients) {
        return withCatalog(catalog.withAzureResource(
                new Catalog.AzureResource(resourceId, planId, active, Set.of(allowedClients))));
    }

    /** Adds an AAD application that may get tokens with the client credentials grant. */
    public EmulatorSettings withAadClient(String clientId, String clientSecret) {
        return withCatalog(catalog.withAadClient(clientId, clientSecret));
    }

    /** The port to listen on (0: any free one). */
    public int port() {
        return port;
    }

    /** The address to bind. */
    public String bindAddress() {
        return bindAddress;
    }

    /** The seed of the fault randomness. */
    public long seed() {
        return seed;
    }

    /** How far in the future a usage timestamp may be. */
    public Duration futureTolerance() {
        return futureTolerance;
    }

    /** Lifetime of issued IAM tokens. */
    public Duration iamTokenLifetime() {
        return iamTokenLifetime;
    }

    /** Lifetime of issued AAD tokens. */
    public Duration aadTokenLifetime() {
        return aadTokenLifetime;
    }

    /** Initial offset of the emulator clock from the system clock. */
    public Duration clockOffset() {
        return clockOffset;
    }

    /** Faults in force at start. */
    public FaultSettings faults() {
        return faults;
    }

    Catalog catalog() {
        return catalog;
    }

    EmulatorSettings withCatalog(Catalog newCatalog) {
        return new EmulatorSettings(bindAddress, port, seed, futureTolerance, iamTokenLifetime, aadTokenLifetime, clockOffset, faults, newCatalog);
    }

    private static Duration requireNonNegative(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("must not be negative: " + d);
        }
        return d;
    }

    private static Duration requirePositive(Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("must be positive: " + d);
        }
        return d;
    }
}
