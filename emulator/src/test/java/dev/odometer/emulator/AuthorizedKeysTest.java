package dev.odometer.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuthorizedKeysTest {

    @Test
    void generatedFileHasYandexFieldsAndAPkcs8PrivateKeyAfterTheKeyIdLine() throws IOException {
        AuthorizedKeys.GeneratedKey key = AuthorizedKeys.generate("sa-1", "key-1");

        JsonNode json = EmulatorClient.JSON.readTree(key.json());

        assertThat(json.get("id").asText()).isEqualTo("key-1");
        assertThat(json.get("service_account_id").asText()).isEqualTo("sa-1");
        assertThat(json.get("key_algorithm").asText()).isEqualTo("RSA_2048");
        assertThat(Instant.parse(json.get("created_at").asText())).isNotNull();
        assertThat(json.get("public_key").asText()).startsWith("-----BEGIN PUBLIC KEY-----\n");
        String privateKey = json.get("private_key").asText();
        assertThat(privateKey).startsWith("PLEASE DO NOT REMOVE THIS LINE! Yandex.Cloud SA Key ID key-1\n-----BEGIN PRIVATE KEY-----\n");
        assertThat(Pem.parsePrivateKey(privateKey)).isEqualTo(key.privateKey());
        assertThat(Pem.parsePublicKey(json.get("public_key").asText())).isEqualTo(key.publicKey());
        assertThat(key.publicKeyPem()).isEqualTo(json.get("public_key").asText());
    }

    @Test
    void keyIdLineIsOptional() throws IOException {
        AuthorizedKeys.GeneratedKey key = AuthorizedKeys.generate("sa-2", "key-2", false);

        String privateKey = EmulatorClient.JSON.readTree(key.json()).get("private_key").asText();

        assertThat(privateKey).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(key.publicKey().getAlgorithm()).isEqualTo("RSA");
        assertThat(((java.security.interfaces.RSAPublicKey) key.publicKey()).getModulus().bitLength()).isEqualTo(2048);
    }
}
