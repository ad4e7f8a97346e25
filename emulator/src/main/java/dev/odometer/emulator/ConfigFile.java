package dev.odometer.emulator;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The emulator's config file, YAML ({@code .yaml}/{@code .yml}) or JSON (anything else): the format is
 * documented in the module's README. Unknown keys are errors, so a typo does not silently leave a default.
 */
record ConfigFile(Path source, Server server, Yandex yandex, Azure azure, List<String> staticTokens, JsonNode faults) {

    record Server(Integer port, String bind, Long seed, Long futureToleranceSeconds,
                  Long iamTokenLifetimeSeconds, Long aadTokenLifetimeSeconds) {}

    record Yandex(List<Product> products, List<SaasInstance> saasInstances, List<ServiceAccountKey> serviceAccountKeys) {}

    record Product(String id, List<String> skus) {}

    record SaasInstance(String id, String product) {}

    /** Either {@code publicKey} (PEM) with {@code keyId} and {@code serviceAccountId}, or {@code authorizedKeyFile}. */
    record ServiceAccountKey(String keyId, String serviceAccountId, String publicKey, String authorizedKeyFile) {}

    record Azure(List<Plan> plans, List<Resource> resources, List<Client> clients) {}

    record Plan(String id, List<String> dimensions) {}

    record Resource(String id, String plan, Boolean active, List<String> allowedClients) {}

    record Client(String clientId, String clientSecret) {}

    /** The file as written, before it is applied. */
    private record Body(@JsonProperty("server") Server server, @JsonProperty("yandex") Yandex yandex,
                        @JsonProperty("azure") Azure azure, @JsonProperty("staticTokens") List<String> staticTokens,
                        @JsonProperty("faults") JsonNode faults) {}

    static ConfigFile load(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8);
            Object tree = isYaml(file)
                    ? new Yaml(new SafeConstructor(new LoaderOptions())).load(text)
                    : Json.MAPPER.readValue(text, Object.class);
            if (tree == null) {
                tree = Map.of();
            }
            Body body = Json.MAPPER.convertValue(tree, Body.class);
            return new ConfigFile(file, body.server, body.yandex, body.azure, body.staticTokens, body.faults);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("config file " + file + ": " + rootMessage(e), e);
        }
    }

    /** The given settings changed by this file. */
    EmulatorSettings applyTo(EmulatorSettings base) {
        try {
            EmulatorSettings settings = applyServer(base);
            Catalog catalog = settings.catalog();
            if (yandex != null) {
                catalog = catalog.withYandexFrom(yandexCatalog());
            }
            if (azure != null) {
                catalog = catalog.withAzureFrom(azureCatalog());
            }
            if (staticTokens != null) {
                catalog = catalog.withStaticTokensOnly(staticTokens);
            }
            catalog.checkReferences();
            settings = settings.withCatalog(catalog);
            if (faults != null) {
                FaultUpdate update = FaultUpdate.parse(faults, settings.faults());
                settings = settings.withFaults(update.faults());
                if (update.clockOffset() != null) {
                    settings = settings.withClockOffset(update.clockOffset());
                }
            }
            return settings;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("config file " + source + ": " + rootMessage(e), e);
        }
    }

    private EmulatorSettings applyServer(EmulatorSettings settings) {
        if (server == null) {
            return settings;
        }
        if (server.port != null) {
            settings = settings.withPort(server.port);
        }
        if (server.bind != null) {
            settings = settings.withBindAddress(server.bind);
        }
        if (server.seed != null) {
            settings = settings.withSeed(server.seed);
        }
        if (server.futureToleranceSeconds != null) {
            settings = settings.withFutureTolerance(Duration.ofSeconds(server.futureToleranceSeconds));
        }
        if (server.iamTokenLifetimeSeconds != null) {
            settings = settings.withIamTokenLifetime(Duration.ofSeconds(server.iamTokenLifetimeSeconds));
        }
        if (server.aadTokenLifetimeSeconds != null) {
            settings = settings.withAadTokenLifetime(Duration.ofSeconds(server.aadTokenLifetimeSeconds));
        }
        return settings;
    }

    private Catalog yandexCatalog() {
        Catalog catalog = Catalog.empty();
        for (Product product : list(yandex.products)) {
            catalog = catalog.withProduct(required(product.id, "yandex.products[].id"), list(product.skus));
        }
        for (SaasInstance instance : list(yandex.saasInstances)) {
            catalog = catalog.withSaasInstance(required(instance.id, "yandex.saasInstances[].id"),
                    required(instance.product, "yandex.saasInstances[].product"));
        }
        for (ServiceAccountKey key : list(yandex.serviceAccountKeys)) {
            catalog = catalog.withServiceAccountKey(serviceAccountKey(key));
        }
        return catalog;
    }

    private Catalog.ServiceAccountKey serviceAccountKey(ServiceAccountKey key) {
        if (key.authorizedKeyFile != null) {
            Path keyFile = source.toAbsolutePath().resolveSibling(key.authorizedKeyFile);
            return AuthorizedKeyFile.read(keyFile);
        }
        return new Catalog.ServiceAccountKey(
                required(key.keyId, "yandex.serviceAccountKeys[].keyId"),
                required(key.serviceAccountId, "yandex.serviceAccountKeys[].serviceAccountId"),
                Pem.parsePublicKey(required(key.publicKey, "yandex.serviceAccountKeys[].publicKey")));
    }

    private Catalog azureCatalog() {
        Catalog catalog = Catalog.empty();
        for (Plan plan : list(azure.plans)) {
            catalog = catalog.withAzurePlan(required(plan.id, "azure.plans[].id"), list(plan.dimensions));
        }
        for (Resource resource : list(azure.resources)) {
            catalog = catalog.withAzureResource(new Catalog.AzureResource(
                    required(resource.id, "azure.resources[].id"),
                    required(resource.plan, "azure.resources[].plan"),
                    resource.active == null || resource.active,
                    Set.copyOf(list(resource.allowedClients))));
        }
        for (Client client : list(azure.clients)) {
            catalog = catalog.withAadClient(required(client.clientId, "azure.clients[].clientId"),
                    required(client.clientSecret, "azure.clients[].clientSecret"));
        }
        return catalog;
    }

    private static boolean isYaml(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".yaml") || name.endsWith(".yml");
    }

    private static <T> List<T> list(List<T> values) {
        return values == null ? List.of() : values;
    }

    private static String required(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " is required");
        }
        return value;
    }

    private static String rootMessage(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        return message == null ? cause.getClass().getSimpleName() : message.lines().findFirst().orElse(message);
    }
}
