package dev.odometer.emulator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * Makes Yandex Cloud service-account authorized keys (the {@code key.json} that {@code yc iam key create}
 * writes) so a client's JWT-to-IAM-token exchange can be tested against the emulator without a cloud account:
 * give {@link GeneratedKey#json()} to the client and register {@link GeneratedKey#publicKey()} with
 * {@link EmulatorSettings#withServiceAccountKey}. From the command line: {@code java -jar odometer-emulator.jar
 * keygen --service-account-id SA --key-id KEY --out key.json}, then start the emulator with
 * {@code --authorized-key key.json}.
 */
public final class AuthorizedKeys {

    /** The line Yandex puts before the private key in the files it issues. */
    static final String KEY_ID_LINE = "PLEASE DO NOT REMOVE THIS LINE! Yandex.Cloud SA Key ID ";

    private AuthorizedKeys() {}

    /**
     * A fresh RSA-2048 key in Yandex's authorized-key format.
     *
     * @param json       the key file: {@code {"id","service_account_id","created_at","key_algorithm":"RSA_2048",
     *                   "public_key","private_key"}}, the private key PKCS#8 PEM
     * @param publicKey  what the emulator must know to verify the JWTs signed with this key
     * @param privateKey the signing key (also inside {@code json})
     */
    public record GeneratedKey(String keyId, String serviceAccountId, String json,
                               PublicKey publicKey, PrivateKey privateKey) {
        /** The public key as a {@code BEGIN PUBLIC KEY} PEM block, as the emulator's config file takes it. */
        public String publicKeyPem() {
            return Pem.publicKey(publicKey);
        }
    }

    /** A key whose private key is preceded by Yandex's "PLEASE DO NOT REMOVE THIS LINE!" line, as real files are. */
    public static GeneratedKey generate(String serviceAccountId, String keyId) {
        return generate(serviceAccountId, keyId, true);
    }

    /** A key; {@code withKeyIdLine} false gives a private key that is a bare PEM block. */
    public static GeneratedKey generate(String serviceAccountId, String keyId, boolean withKeyIdLine) {
        KeyPair pair = newRsaKeyPair();
        String privatePem = Pem.privateKey(pair.getPrivate());
        ObjectNode file = Json.object()
                .put("id", keyId)
                .put("service_account_id", serviceAccountId)
                .put("created_at", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
                .put("key_algorithm", "RSA_2048")
                .put("public_key", Pem.publicKey(pair.getPublic()))
                .put("private_key", withKeyIdLine ? KEY_ID_LINE + keyId + "\n" + privatePem : privatePem);
        String json = Json.pretty(file);
        return new GeneratedKey(keyId, serviceAccountId, json, pair.getPublic(), pair.getPrivate());
    }

    private static KeyPair newRsaKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has RSA", e);
        }
    }
}
