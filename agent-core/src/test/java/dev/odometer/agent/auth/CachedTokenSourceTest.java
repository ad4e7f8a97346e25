package dev.odometer.agent.auth;

import static org.assertj.core.api.Assertions.assertThat;

import dev.odometer.agent.marketplace.HttpClients;
import java.net.URI;
import java.nio.file.Paths;
import okhttp3.OkHttpClient;
import org.junit.jupiter.api.Test;

/** What every cached token source says about itself: its class and where tokens come from. */
class CachedTokenSourceTest {
    private static final OkHttpClient HTTP = HttpClients.create();
    private static final URI LOCAL = URI.create("http://127.0.0.1:1");

    @Test
    void toStringIsTheClassAndTheDescription() {
        TokenSource[] sources = {
            new MetadataTokenSource(HTTP, LOCAL),
            new KeyFileTokenSource(HTTP, Paths.get("key.json"), LOCAL),
            new AadClientCredentialsTokenSource(HTTP, "t", "c", Secret.of("s3cr3t"), LOCAL),
            new ManagedIdentityTokenSource(HTTP, LOCAL, "u"),
        };

        for (TokenSource source : sources) {
            assertThat(source.toString()).isEqualTo(
                    source.getClass().getSimpleName() + "[" + source.describe() + "]");
        }
        assertThat(sources[0].toString()).startsWith("MetadataTokenSource[IAM token from");
        assertThat(sources[1].toString()).startsWith("KeyFileTokenSource[IAM token for");
        assertThat(sources[2].toString()).startsWith("AadClientCredentialsTokenSource[AAD client c")
                .doesNotContain("s3cr3t");
        assertThat(sources[3].toString()).startsWith("ManagedIdentityTokenSource[AAD token of");
    }
}
