package dev.odometer.emulator;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PEM text of RSA keys: SubjectPublicKeyInfo public keys and PKCS#8 private keys, as Yandex's key files hold them. */
final class Pem {

    private static final Pattern BLOCK =
            Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private Pem() {}

    static String publicKey(PublicKey key) {
        return encode("PUBLIC KEY", key.getEncoded());
    }

    static String privateKey(PrivateKey key) {
        return encode("PRIVATE KEY", key.getEncoded());
    }

    /** Parses a {@code BEGIN PUBLIC KEY} block; text around the block (a comment line, say) is ignored. */
    static PublicKey parsePublicKey(String pem) {
        byte[] der = decode(pem, "PUBLIC KEY");
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an RSA public key: " + e.getMessage(), e);
        }
    }

    /** Parses a {@code BEGIN PRIVATE KEY} (PKCS#8) block, skipping Yandex's "PLEASE DO NOT REMOVE THIS LINE!" line. */
    static PrivateKey parsePrivateKey(String pem) {
        byte[] der = decode(pem, "PRIVATE KEY");
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("not an RSA PKCS#8 private key: " + e.getMessage(), e);
        }
    }

    private static String encode(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    private static byte[] decode(String pem, String type) {
        Matcher m = BLOCK.matcher(pem == null ? "" : pem);
        if (!m.find() || !m.group(1).equals(type)) {
            throw new IllegalArgumentException("expected a PEM block '-----BEGIN " + type + "-----'");
        }
        try {
            return Base64.getMimeDecoder().decode(m.group(2));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("PEM block is not valid base64", e);
        }
    }
}
