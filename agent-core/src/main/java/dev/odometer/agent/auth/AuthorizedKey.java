package dev.odometer.agent.auth;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;

/**
 * A Yandex service account's authorized key file, as {@code yc iam key create} writes it:
 * {@code {"id", "service_account_id", "private_key", ...}}, the private key a PKCS#8 PEM that may
 * follow a line "PLEASE DO NOT REMOVE THIS LINE! ...".
 *
 * <p>Errors name the file and what is wrong with it, never any of its content.
 */
final class AuthorizedKey {
    private static final long MAX_FILE_SIZE = 64 * 1024;
    private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String END = "-----END PRIVATE KEY-----";

    private final String keyId;
    private final String serviceAccountId;
    private final PrivateKey privateKey;

    private AuthorizedKey(String keyId, String serviceAccountId, PrivateKey privateKey) {
        this.keyId = keyId;
        this.serviceAccountId = serviceAccountId;
        this.privateKey = privateKey;
    }

    String keyId() {
        return keyId;
    }

    String serviceAccountId() {
        return serviceAccountId;
    }

    PrivateKey privateKey() {
        return privateKey;
    }

    static AuthorizedKey read(Path file) throws AuthException {
        String name = "Service account key file " + file;
        byte[] content;
        try {
            if (Files.size(file) > MAX_FILE_SIZE) {
                throw new AuthException(name + " is too large to be an authorized key file");
            }
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new AuthException(name + " does not exist");
        } catch (AccessDeniedException e) {
            throw new AuthException(name + " cannot be read: permission denied");
        } catch (IOException e) {
            throw new AuthException(name + " cannot be read: " + e.getClass().getSimpleName());
        }
        JsonFields json = JsonFields.parse(content);
        if (json == null) {
            throw new AuthException(name + " is not a JSON object; expected an authorized key"
                    + " as written by 'yc iam key create --output key.json'");
        }
        String keyId = required(json, name, "id", "id");
        String serviceAccountId = required(json, name, "service_account_id",
                "service_account_id", "serviceAccountId");
        String pem = required(json, name, "private_key", "private_key", "privateKey");
        return new AuthorizedKey(keyId, serviceAccountId, parsePrivateKey(pem, name));
    }

    private static String required(JsonFields json, String name, String field,
            String... spellings) throws AuthException {
        String value = json.string(spellings);
        if (value == null) {
            throw new AuthException(name + " has no \"" + field + "\" field (or it is empty)");
        }
        return value;
    }

    private static PrivateKey parsePrivateKey(String pem, String name) throws AuthException {
        String what = name + ": \"private_key\"";
        int begin = pem.indexOf(BEGIN);
        if (begin < 0) {
            if (pem.contains("-----BEGIN RSA PRIVATE KEY-----")) {
                throw new AuthException(what + " is a PKCS#1 key; expected PKCS#8"
                        + " (-----BEGIN PRIVATE KEY-----)");
            }
            if (pem.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
                throw new AuthException(what + " is encrypted; expected an unencrypted PKCS#8"
                        + " key (-----BEGIN PRIVATE KEY-----)");
            }
            throw new AuthException(what + " is not a PEM private key (no " + BEGIN + " line)");
        }
        int end = pem.indexOf(END, begin);
        if (end < 0) {
            throw new AuthException(what + " is not a complete PEM private key (no " + END
                    + " line)");
        }
        byte[] der;
        try {
            String base64 = pem.substring(begin + BEGIN.length(), end).replaceAll("\\s+", "");
            der = Base64.getDecoder().decode(base64.getBytes(StandardCharsets.US_ASCII));
        } catch (IllegalArgumentException e) {
            throw new AuthException(what + " is not valid base64 between its PEM lines");
        }
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new AuthException(what + " could not be read as an RSA private key");
        }
    }

    @Override
    public String toString() {
        return "AuthorizedKey[id=" + keyId + ", service_account_id=" + serviceAccountId + "]";
    }
}
