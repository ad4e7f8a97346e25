package dev.odometer.agent.config;

import java.io.IOException;
import java.io.Reader;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Reads and validates the YAML config file. Every problem becomes a {@link ConfigException}
 * whose message names the file, the line, the key and the fix; nothing is half-applied.
 */
public final class ConfigLoader {
    static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(60);
    static final Duration MIN_FLUSH_INTERVAL = Duration.ofMillis(10);
    /** Yandex rejects usage older than an hour, so a window may never be that long. */
    static final Duration MAX_FLUSH_INTERVAL = Duration.ofMinutes(30);
    static final long DEFAULT_JOURNAL_MAX_BYTES = 64L << 20;
    static final long MIN_JOURNAL_MAX_BYTES = 64L << 10;
    static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(10);
    private static final int MAX_ID_LENGTH = 50;
    private static final Pattern ALIAS = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern IPV4_LOOPBACK = Pattern.compile("127(\\.\\d{1,3}){3}");
    private static final Pattern IPV6_LITERAL = Pattern.compile("[0-9A-Fa-f:]*:[0-9A-Fa-f:]*");

    private static final Set<String> ROOT_KEYS = keys("marketplace", "product_id",
            "product_instance_id", "endpoint", "auth", "flush_interval", "journal_dir",
            "journal_max_bytes", "shutdown_timeout", "in_doubt_policy", "validate_on_start",
            "resource_id", "resource_uri", "plan_id", "skus", "cluster");
    private static final Set<String> CLUSTER_KEYS = keys("postgres", "node_id");
    private static final Set<String> POSTGRES_KEYS = keys("url", "user", "user_env", "password",
            "password_env", "schema");
    /** What PostgreSQL takes as an unquoted identifier (lower case, so no quoting needed). */
    private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern NODE_ID = Pattern.compile("[A-Za-z0-9_.:@-]{1,100}");
    private static final Set<String> AUTH_KEYS = keys("type", "token_env", "token", "key_file",
            "metadata_url", "iam_endpoint");
    private static final Set<String> AZURE_AUTH_KEYS = keys("type", "tenant_id", "client_id",
            "client_secret_env", "client_secret", "login_endpoint", "imds_url");
    private static final Set<String> SKU_KEYS = keys("sku_id", "methods");
    private static final Set<String> AZURE_SKU_KEYS = keys("dimension", "methods");

    private ConfigLoader() {
    }

    /** Loads the config at {@code file}. */
    public static OdometerConfig load(Path file) throws ConfigException {
        String text;
        try {
            // a plain stream, not Files.readAllBytes: premain need not load NIO's file channels
            if (!Files.isRegularFile(file)) {
                throw new NoSuchFileException(file.toString());
            }
            try (java.io.InputStream in = new java.io.FileInputStream(file.toFile())) {
                text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": config file not found. Pass the right path with "
                    + "-javaagent:odometer-agent.jar=config=PATH (or ODOMETER_CONFIG, or "
                    + "-Dodometer.config).");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot read the config file: " + e);
        }
        return parse(file, text);
    }

    /** Parses config text; {@code file} is used for messages and to resolve relative paths. */
    public static OdometerConfig parse(Path file, String text) throws ConfigException {
        String name = file.toString();
        Node root = compose(name, text);
        if (root == null) {
            throw new ConfigException(name + ": the config file is empty. It needs at least "
                    + "'marketplace:' and 'skus:'.");
        }
        YamlSection top = YamlSection.root(name, root, ROOT_KEYS);

        String marketplaceName = top.requiredString("marketplace",
                "one of yandex, yandex-saas, azure, log.");
        Marketplace marketplace = Marketplace.fromConfigName(marketplaceName);
        if (marketplace == null) {
            throw top.invalid("marketplace", "'" + marketplaceName + "' is not supported: use "
                    + "yandex, yandex-saas, azure or log.");
        }

        String productId = null;
        String productInstanceId = null;
        if (marketplace == Marketplace.YANDEX) {
            productId = id(top, "product_id", "the image product id from the partner dashboard.");
            forbid(top, "product_instance_id", "is for marketplace: yandex-saas; image products "
                    + "use product_id.");
        } else if (marketplace == Marketplace.YANDEX_SAAS) {
            productInstanceId = id(top, "product_instance_id",
                    "the product instance id the usage belongs to.");
            forbid(top, "product_id", "is for marketplace: yandex; SaaS products use "
                    + "product_instance_id.");
        }

        AzureTarget azure = null;
        if (marketplace == Marketplace.AZURE) {
            azure = azureTarget(top);
        } else {
            for (String key : new String[] {"resource_id", "resource_uri", "plan_id"}) {
                forbid(top, key, "is for marketplace: azure.");
            }
        }

        URI endpoint = null;
        AuthConfig auth = null;
        AzureAuthConfig azureAuth = null;
        if (marketplace != Marketplace.LOG) {
            String endpointText = top.string("endpoint");
            endpoint = endpointText == null ? marketplace.defaultEndpoint()
                    : url(top, "endpoint", endpointText, false);
            if (marketplace == Marketplace.AZURE) {
                azureAuth = azureAuth(top);
            } else {
                auth = auth(top, file);
            }
        }

        Duration flushInterval = DEFAULT_FLUSH_INTERVAL;
        String flushText = top.string("flush_interval");
        if (flushText != null) {
            flushInterval = Durations.parse(flushText);
            if (flushInterval == null) {
                throw top.invalid("flush_interval", "'" + flushText + "' is not a duration: "
                        + "write a number and a unit, e.g. 500ms, 60s or 5m.");
            }
            if (flushInterval.compareTo(MIN_FLUSH_INTERVAL) < 0
                    || flushInterval.compareTo(MAX_FLUSH_INTERVAL) > 0) {
                throw top.invalid("flush_interval", "must be between 10ms and 30m (usage older "
                        + "than an hour is rejected by the marketplace); 60s suits most apps.");
            }
        }

        String journalText = top.string("journal_dir");
        Path journalDir = journalText == null
                ? Paths.get(System.getProperty("user.home", "."), ".odometer", "journal")
                : resolve(file, journalText);

        long journalMaxBytes = DEFAULT_JOURNAL_MAX_BYTES;
        String maxBytesText = top.string("journal_max_bytes");
        if (maxBytesText != null) {
            Long parsed = Sizes.parse(maxBytesText);
            if (parsed == null || parsed < MIN_JOURNAL_MAX_BYTES) {
                throw top.invalid("journal_max_bytes", "'" + maxBytesText + "' is not a size of "
                        + "at least 64KiB: write e.g. 64MiB, 512KiB or a number of bytes.");
            }
            journalMaxBytes = parsed;
        }
        Duration shutdownTimeout = DEFAULT_SHUTDOWN_TIMEOUT;
        String shutdownText = top.string("shutdown_timeout");
        if (shutdownText != null) {
            shutdownTimeout = Durations.parse(shutdownText);
            if (shutdownTimeout == null || shutdownTimeout.compareTo(Duration.ofMinutes(5)) > 0) {
                throw top.invalid("shutdown_timeout", "'" + shutdownText + "' is not a duration "
                        + "of at most 5m: write e.g. 10s. Orchestrators kill a process that takes "
                        + "longer to stop; what is not delivered stays in the journal anyway.");
            }
        }
        String policyText = top.string("in_doubt_policy");
        InDoubtPolicy inDoubtPolicy = InDoubtPolicy.DROP;
        if (policyText != null) {
            inDoubtPolicy = InDoubtPolicy.fromConfigName(policyText);
            if (inDoubtPolicy == null) {
                throw top.invalid("in_doubt_policy", "'" + policyText + "' is not a policy: use "
                        + "drop (never bill a customer twice) or rebill (never miss a unit).");
            }
        }
        boolean validateOnStart = bool(top, "validate_on_start", true);
        Map<String, SkuConfig> skus = skus(top, marketplace);
        ClusterConfig cluster = cluster(top, marketplace);
        return new OdometerConfig(file, marketplace, productId, productInstanceId, endpoint, auth,
                flushInterval, journalDir, journalMaxBytes, shutdownTimeout, inDoubtPolicy,
                validateOnStart, skus, azure, azureAuth, cluster);
    }

    private static Node compose(String name, String text) throws ConfigException {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(10);
        // the parser and composer only: the Yaml facade would also load constructors and
        // representers (and java.beans) that reading a node tree never uses, in premain
        try (Reader reader = new java.io.StringReader(text)) {
            Composer composer = new Composer(new ParserImpl(new StreamReader(reader), options),
                    new Resolver(), options);
            return composer.getSingleNode();
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String line = mark == null ? "" : ":" + (mark.getLine() + 1);
            throw new ConfigException(name + line + ": not valid YAML: " + e.getProblem()
                    + ". Check the indentation and quoting on that line.");
        } catch (YAMLException | IOException e) {
            throw new ConfigException(name + ": not valid YAML: " + e.getMessage());
        }
    }

    private static ClusterConfig cluster(YamlSection top, Marketplace marketplace)
            throws ConfigException {
        YamlSection cluster = top.section("cluster", CLUSTER_KEYS);
        if (cluster == null) {
            return null;
        }
        if (marketplace == Marketplace.LOG) {
            throw top.invalid("cluster", "is for a marketplace that bills (yandex, yandex-saas, "
                    + "azure); marketplace: log only writes usage to the log.");
        }
        YamlSection postgres = cluster.section("postgres", POSTGRES_KEYS);
        if (postgres == null) {
            throw cluster.invalid("postgres", "is missing: give the database the replicas share, "
                    + "e.g. postgres: {url: jdbc:postgresql://db:5432/app, user_env: "
                    + "ODOMETER_PG_USER, password_env: ODOMETER_PG_PASSWORD}.");
        }
        String url = postgres.requiredString("url", "the JDBC URL of the database, e.g. "
                + "jdbc:postgresql://db.internal:5432/app.");
        if (!url.startsWith("jdbc:postgresql://")) {
            throw postgres.invalid("url", "'" + url + "' is not a PostgreSQL JDBC URL: write "
                    + "jdbc:postgresql://HOST:PORT/DATABASE.");
        }
        if (url.contains("password=")) {
            throw postgres.invalid("url", "holds a password: give it with password_env (an "
                    + "environment variable), so it stays out of files and logs.");
        }
        String user = postgres.string("user");
        String userEnv = postgres.string("user_env");
        if ((user == null) == (userEnv == null)) {
            throw postgres.invalid(user == null ? "user_env" : "user", "give exactly one of "
                    + "user_env (an environment variable holding the database user) and user.");
        }
        String password = postgres.string("password");
        String passwordEnv = postgres.string("password_env");
        if (password != null && passwordEnv != null) {
            throw postgres.invalid("password", "give either password_env or password, not both.");
        }
        String schema = postgres.string("schema");
        if (schema == null) {
            schema = ClusterConfig.DEFAULT_SCHEMA;
        } else if (!SCHEMA.matcher(schema).matches()) {
            throw postgres.invalid("schema", "'" + schema + "' is not a plain schema name: use "
                    + "lower-case letters, digits and _ (default odometer).");
        }
        String nodeId = cluster.string("node_id");
        if (nodeId == null) {
            nodeId = defaultNodeId();
        } else if (!NODE_ID.matcher(nodeId).matches()) {
            throw cluster.invalid("node_id", "'" + nodeId + "' is not a node name: use up to 100 "
                    + "letters, digits and . _ - : @ (default: host name and pid).");
        }
        return new ClusterConfig(url, user, userEnv, password, passwordEnv, schema, nodeId);
    }

    /** Host name and pid: unique among live replicas, readable in the status output. */
    private static String defaultNodeId() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            // the kernel's name, not InetAddress.getLocalHost(): no DNS lookup in premain
            try {
                host = new String(Files.readAllBytes(Paths.get("/proc/sys/kernel/hostname")),
                        StandardCharsets.UTF_8).trim();
            } catch (IOException | RuntimeException e) {
                host = "";
            }
            if (host.isEmpty()) {
                host = "node";
            }
        }
        String id = host.replaceAll("[^A-Za-z0-9_.:@-]", "_") + "-" + ProcessHandle.current().pid();
        return id.length() > 100 ? id.substring(id.length() - 100) : id;
    }

    private static AzureTarget azureTarget(YamlSection top) throws ConfigException {
        String resourceId = top.string("resource_id");
        String resourceUri = top.string("resource_uri");
        if ((resourceId == null) == (resourceUri == null)) {
            throw top.invalid(resourceId == null ? "resource_id" : "resource_uri", "give exactly "
                    + "one of resource_id (the SaaS subscription id) and resource_uri (the "
                    + "managed application's resource URI).");
        }
        String planId = top.requiredString("plan_id", "the plan the dimensions belong to, "
                + "from Partner Center.");
        return new AzureTarget(resourceId, resourceUri, planId);
    }

    private static AzureAuthConfig azureAuth(YamlSection top) throws ConfigException {
        YamlSection section = top.section("auth", AZURE_AUTH_KEYS);
        if (section == null) {
            throw top.invalid("auth", "is required: add 'auth:' with 'type: client-credentials' "
                    + "(tenant_id, client_id, client_secret_env) or 'type: managed-identity'.");
        }
        String type = section.requiredString("type", "client-credentials or managed-identity.");
        boolean managed = type.equals("managed-identity");
        if (!managed && !type.equals("client-credentials")) {
            throw section.invalid("type", "'" + type + "' is not supported for azure: use "
                    + "client-credentials or managed-identity.");
        }
        String tenant = section.string("tenant_id");
        String client = section.string("client_id");
        String secretEnv = section.string("client_secret_env");
        String secret = section.string("client_secret");
        if (!managed) {
            section.requiredString("tenant_id", "the Microsoft Entra (AAD) tenant of the app.");
            section.requiredString("client_id", "the application (client) id.");
            if ((secretEnv == null) == (secret == null)) {
                throw section.invalid("client_secret_env", "give exactly one of "
                        + "client_secret_env (the environment variable holding the secret) and "
                        + "client_secret.");
            }
        } else {
            for (String key : new String[] {"tenant_id", "client_secret_env", "client_secret"}) {
                if (section.has(key)) {
                    throw section.invalid(key, "is only used with 'type: client-credentials'.");
                }
            }
        }
        String login = section.string("login_endpoint");
        String imds = section.string("imds_url");
        return new AzureAuthConfig(managed, tenant, client, secretEnv, secret,
                login == null ? null : url(section, "login_endpoint", login, false),
                imds == null ? null : url(section, "imds_url", imds, true));
    }

    private static AuthConfig auth(YamlSection top, Path file) throws ConfigException {
        YamlSection section = top.section("auth", AUTH_KEYS);
        if (section == null) {
            throw top.invalid("auth", "is required: add 'auth:' with 'type: metadata' (on a "
                    + "Yandex Compute VM), 'type: key-file' or 'type: token'.");
        }
        String typeName = section.requiredString("type", "metadata, key-file or token.");
        AuthType type = AuthType.fromConfigName(typeName);
        if (type == null) {
            throw section.invalid("type", "'" + typeName + "' is not supported: use metadata, "
                    + "key-file or token.");
        }
        String tokenEnv = section.string("token_env");
        String token = section.string("token");
        Path keyFile = null;
        if (type == AuthType.TOKEN) {
            if (tokenEnv == null && token == null) {
                throw section.invalid("type", "type token needs 'token_env: VARIABLE' (the "
                        + "environment variable holding the token) or 'token:'.");
            }
            if (tokenEnv != null && token != null) {
                throw section.invalid("token", "give either token_env or token, not both.");
            }
        } else {
            for (String key : new String[] {"token_env", "token"}) {
                if (section.has(key)) {
                    throw section.invalid(key, "is only used with 'type: token'.");
                }
            }
        }
        if (type == AuthType.KEY_FILE) {
            keyFile = resolve(file, section.requiredString("key_file",
                    "the path of the service account's authorized key JSON."));
            if (!Files.isReadable(keyFile)) {
                throw section.invalid("key_file", keyFile + " does not exist or is not readable "
                        + "by this process.");
            }
        } else if (section.has("key_file")) {
            throw section.invalid("key_file", "is only used with 'type: key-file'.");
        }
        String metadataText = section.string("metadata_url");
        URI metadataUrl = metadataText == null ? AuthConfig.DEFAULT_METADATA_URL
                : url(section, "metadata_url", metadataText, true);
        String iamText = section.string("iam_endpoint");
        URI iamEndpoint = iamText == null ? AuthConfig.DEFAULT_IAM_ENDPOINT
                : url(section, "iam_endpoint", iamText, false);
        return new AuthConfig(type, tokenEnv, token, keyFile, metadataUrl, iamEndpoint);
    }

    private static Map<String, SkuConfig> skus(YamlSection top, Marketplace marketplace)
            throws ConfigException {
        YamlSection skus = top.section("skus", null);
        if (skus == null || skus.keys().isEmpty()) {
            throw top.invalid("skus", "is required: list each SKU alias with its sku_id, e.g.\n"
                    + "skus:\n  email:\n    sku_id: dn21df4qvqhbexample");
        }
        if (skus.keys().size() > OdometerConfig.MAX_SKUS) {
            throw top.invalid("skus", "at most " + OdometerConfig.MAX_SKUS + " SKUs are supported.");
        }
        Map<String, SkuConfig> result = new LinkedHashMap<>();
        Map<String, String> aliasByMethod = new LinkedHashMap<>();
        for (String alias : skus.keys()) {
            boolean isAzure = marketplace == Marketplace.AZURE;
            YamlSection sku = skus.section(alias, isAzure ? AZURE_SKU_KEYS : SKU_KEYS);
            if (!ALIAS.matcher(alias).matches()) {
                throw skus.invalid(alias, "'" + alias + "' is not a valid alias: use letters, "
                        + "digits, '_', '-' or '.' (at most 64).");
            }
            String skuId = marketplace == Marketplace.LOG && !sku.has("sku_id")
                    ? alias
                    : isAzure ? id(sku, "dimension", "the metering dimension id of the plan, "
                    + "from Partner Center.")
                    : id(sku, "sku_id", "the SKU id from the partner dashboard.");
            List<String> texts = sku.strings("methods");
            List<MethodPattern> methods = new ArrayList<>();
            for (int i = 0; i < texts.size(); i++) {
                MethodPattern pattern;
                try {
                    pattern = MethodPattern.parse(texts.get(i));
                } catch (IllegalArgumentException e) {
                    throw sku.invalidItem("methods", i, e.getMessage() + ".");
                }
                String owner = aliasByMethod.putIfAbsent(pattern.toString(), alias);
                if (owner != null) {
                    throw sku.invalidItem("methods", i, pattern + " is already metered for SKU '"
                            + owner + "'; a method bills one SKU.");
                }
                methods.add(pattern);
            }
            result.put(alias, new SkuConfig(alias, skuId, methods));
        }
        return result;
    }

    private static String id(YamlSection section, String key, String hint) throws ConfigException {
        String value = section.requiredString(key, hint);
        if (value.length() > MAX_ID_LENGTH) {
            throw section.invalid(key, "is " + value.length() + " characters long; the "
                    + "marketplace allows at most " + MAX_ID_LENGTH + ". Copy it again from the "
                    + "partner dashboard.");
        }
        return value;
    }

    private static void forbid(YamlSection section, String key, String why)
            throws ConfigException {
        if (section.has(key)) {
            throw section.invalid(key, why);
        }
    }

    private static boolean bool(YamlSection section, String key, boolean fallback)
            throws ConfigException {
        String text = section.string(key);
        if (text == null) {
            return fallback;
        }
        if (text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        throw section.invalid(key, "must be true or false, not '" + text + "'.");
    }

    /**
     * A base URL: https, or plain http to a loopback address (an emulator) or, when
     * {@code httpAllowed}, anywhere (the link-local metadata service speaks http only).
     */
    private static URI url(YamlSection section, String key, String text, boolean httpAllowed)
            throws ConfigException {
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw section.invalid(key, "'" + text + "' is not a URL.");
        }
        String scheme = uri.getScheme();
        if (uri.getHost() == null || scheme == null
                || !(scheme.equals("https") || scheme.equals("http"))) {
            throw section.invalid(key, "'" + text + "' is not an http(s) URL with a host.");
        }
        if (scheme.equals("http") && !httpAllowed && !isLoopback(uri.getHost())) {
            throw section.invalid(key, "plain http is only allowed to a loopback address "
                    + "(an emulator); use https:// so tokens are not sent in the clear.");
        }
        String normalized = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        return URI.create(normalized);
    }

    /**
     * True for an IPv4 literal in 127.0.0.0/8, the IPv6 literal ::1 (in any spelling) and the
     * name {@code localhost}: only these reach this machine without asking DNS. A name that
     * merely starts with "127." ({@code 127.evil.example}) is anyone's host.
     */
    static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        if (IPV4_LOOPBACK.matcher(host).matches()) {
            for (String octet : host.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return false;
                }
            }
            return true;
        }
        String literal = host.startsWith("[") && host.endsWith("]")
                ? host.substring(1, host.length() - 1) : host;
        if (!IPV6_LITERAL.matcher(literal).matches()) {
            return false; // a name: never resolved here
        }
        try {
            // a literal with ':' is parsed, never looked up
            InetAddress address = InetAddress.getByName(literal);
            return address instanceof Inet6Address && address.isLoopbackAddress();
        } catch (UnknownHostException notALiteral) {
            return false;
        }
    }

    private static Path resolve(Path configFile, String text) {
        Path path = Paths.get(text);
        if (path.isAbsolute()) {
            return path;
        }
        Path base = configFile.toAbsolutePath().getParent();
        return base == null ? path.toAbsolutePath() : base.resolve(path).normalize();
    }

    private static Set<String> keys(String... keys) {
        return new LinkedHashSet<>(List.of(keys));
    }
}
