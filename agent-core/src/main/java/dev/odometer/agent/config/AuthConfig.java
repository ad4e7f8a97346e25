package dev.odometer.agent.config;

import java.net.URI;
import java.nio.file.Path;

/** The {@code auth:} section. Its {@link #toString()} never shows the token. */
public final class AuthConfig {
    /** Where a VM's metadata service answers. */
    public static final URI DEFAULT_METADATA_URL = URI.create("http://169.254.169.254");
    /** Yandex Cloud IAM, which exchanges signed JWTs for IAM tokens. */
    public static final URI DEFAULT_IAM_ENDPOINT = URI.create("https://iam.api.cloud.yandex.net");

    private final AuthType type;
    private final String tokenEnv;
    private final String token;
    private final Path keyFile;
    private final URI metadataUrl;
    private final URI iamEndpoint;

    AuthConfig(AuthType type, String tokenEnv, String token, Path keyFile, URI metadataUrl,
               URI iamEndpoint) {
        this.type = type;
        this.tokenEnv = tokenEnv;
        this.token = token;
        this.keyFile = keyFile;
        this.metadataUrl = metadataUrl;
        this.iamEndpoint = iamEndpoint;
    }

    public AuthType type() {
        return type;
    }

    /** Name of the environment variable holding the token ({@code token_env}), or null. */
    public String tokenEnv() {
        return tokenEnv;
    }

    /** The inline token ({@code token}), or null. A secret: never log it. */
    public String token() {
        return token;
    }

    /** The authorized key file ({@code key_file}), or null. */
    public Path keyFile() {
        return keyFile;
    }

    public URI metadataUrl() {
        return metadataUrl;
    }

    public URI iamEndpoint() {
        return iamEndpoint;
    }

    @Override
    public String toString() {
        return "AuthConfig{type=" + type.configName()
                + (tokenEnv != null ? ", token_env=" + tokenEnv : "")
                + (token != null ? ", token=<redacted>" : "")
                + (keyFile != null ? ", key_file=" + keyFile : "")
                + '}';
    }
}
