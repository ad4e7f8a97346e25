package dev.odometer.agent.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ClusterConfigTest {
    private static final Path FILE = Paths.get("/etc/odometer/odometer.yaml");
    private static final String[] BASE = {"marketplace: yandex", "product_id: p",
        "auth: {type: metadata}", "skus:", "  email: {sku_id: s1}"};

    private static OdometerConfig parse(String... cluster) throws ConfigException {
        String[] lines = new String[BASE.length + cluster.length];
        System.arraycopy(BASE, 0, lines, 0, BASE.length);
        System.arraycopy(cluster, 0, lines, BASE.length, cluster.length);
        return ConfigLoader.parse(FILE, String.join("\n", lines) + "\n");
    }

    private static String error(String... cluster) {
        try {
            parse(cluster);
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected the config to be rejected");
    }

    @Test
    void withoutClusterTheProcessIsAlone() throws Exception {
        assertThat(parse().cluster()).isNull();
    }

    @Test
    void readsTheDocumentedShape() throws Exception {
        ClusterConfig cluster = parse("cluster:", "  postgres:",
                "    url: jdbc:postgresql://db.internal:5432/app",
                "    user_env: ODOMETER_PG_USER", "    password_env: ODOMETER_PG_PASSWORD",
                "    schema: billing", "  node_id: web-7f9c").cluster();

        assertThat(cluster.url()).isEqualTo("jdbc:postgresql://db.internal:5432/app");
        assertThat(cluster.userEnv()).isEqualTo("ODOMETER_PG_USER");
        assertThat(cluster.user()).isNull();
        assertThat(cluster.passwordEnv()).isEqualTo("ODOMETER_PG_PASSWORD");
        assertThat(cluster.schema()).isEqualTo("billing");
        assertThat(cluster.nodeId()).isEqualTo("web-7f9c");
    }

    @Test
    void defaultsTheSchemaAndTheNodeIdToHostAndPid() throws Exception {
        ClusterConfig cluster = parse("cluster:", "  postgres:",
                "    url: jdbc:postgresql://localhost/app", "    user: app").cluster();

        assertThat(cluster.schema()).isEqualTo("odometer");
        assertThat(cluster.nodeId()).endsWith("-" + ProcessHandle.current().pid());
    }

    @Test
    void aPasswordGivenInlineNeverShowsInToString() throws Exception {
        OdometerConfig config = parse("cluster:", "  postgres:",
                "    url: jdbc:postgresql://localhost/app", "    user: app",
                "    password: pg-s3cret");

        assertThat(config.cluster().password()).isEqualTo("pg-s3cret");
        assertThat(config.cluster().toString()).doesNotContain("pg-s3cret");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "node_id: a|cluster.postgres: is missing: give the database the replicas share",
        "postgres: {url: 'jdbc:mysql://db/app', user: u}|cluster.postgres.url: 'jdbc:mysql://db/app' is not a "
            + "PostgreSQL JDBC URL",
        "postgres: {url: 'jdbc:postgresql://db/app?password=x', user: u}|cluster.postgres.url: holds a password",
        "postgres: {url: 'jdbc:postgresql://db/app'}|user_env: give exactly one of user_env",
        "postgres: {url: 'jdbc:postgresql://db/app', user: u, schema: 'Bad-Name'}|schema: "
            + "'Bad-Name' is not a plain schema name",
        "postgres: {url: 'jdbc:postgresql://db/app', user: u, pasword: x}|pasword: unknown key; "
            + "did you mean 'password'?",
    })
    void problemsNameTheKeyAndTheFix(String line, String expected) {
        assertThat(error("cluster:", "  " + line)).startsWith("/etc/odometer/odometer.yaml:")
                .contains(expected);
    }

    @Test
    void theLogMarketplaceHasNothingToShare() {
        assertThat(errorFor("marketplace: log", "skus:", "  a: {sku_id: s}", "cluster:",
                "  postgres: {url: 'jdbc:postgresql://db/app', user: u}"))
                .contains("cluster: is for a marketplace that bills");
    }

    private static String errorFor(String... lines) {
        try {
            ConfigLoader.parse(FILE, String.join("\n", lines) + "\n");
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected the config to be rejected");
    }
}
