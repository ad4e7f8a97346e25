package dev.odometer.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.RSAPublicKeySpec;

/** Reads the public half of a Yandex authorized key file ({@code key.json}), to register it with the emulator. */
final class AuthorizedKeyFile {

    private AuthorizedKeyFile() {}

    static Catalog.ServiceAccountKey read(Path file) {
        JsonNode json;
        try {
            json = Json.parse(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read authorized key file " + file, e);
        }
        String keyId = Json.text(json, "id");
        String serviceAccountId = Json.text(json, "service_account_id", "serviceAccountId");
        if (keyId == null || serviceAccountId == null) {
            throw new IllegalArgumentException(file + ": an authorized key file needs \"id\" and \"service_account_id\"");
        }
        String publicPem = Json.text(json, "public_key", "publicKey");
        PublicKey publicKey = publicPem != null
                ? Pem.parsePublicKey(publicPem)
                : publicKeyOf(Json.text(json, "private_key", "privateKey"), file);
        return new Catalog.ServiceAccountKey(keyId, serviceAccountId, publicKey);
    }

    /** Files that carry only the private key: its public half is in it (modulus and public exponent). */
    private static PublicKey publicKeyOf(String privatePem, Path file) {
        if (privatePem == null) {
            throw new IllegalArgumentException(file + ": an authorized key file needs \"public_key\" or \"private_key\"");
        }
        if (!(Pem.parsePrivateKey(privatePem) instanceof RSAPrivateCrtKey crt)) {
            throw new IllegalArgumentException(file + ": the private key has no public exponent");
        }
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
        }
    }
}
