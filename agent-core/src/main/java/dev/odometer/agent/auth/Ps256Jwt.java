package dev.odometer.agent.auth;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JWT Yandex IAM exchanges for an IAM token: PS256 (RSASSA-PSS, SHA-256, MGF1 with SHA-256,
 * salt 32), header {@code typ, alg, kid}, claims {@code iss, aud, iat, exp}. JDK crypto only.
 */
final class Ps256Jwt {
    /** The audience Yandex IAM expects, whichever endpoint the exchange is sent to. */
    static final String AUDIENCE = "https://iam.api.cloud.yandex.net/iam/v1/tokens";
    static final long LIFETIME_SECONDS = 3600;

    private Ps256Jwt() {
    }

    static PSSParameterSpec pssParameters() {
        return new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);
    }

    static String sign(AuthorizedKey key, Instant now) throws AuthException {
        Map<String, Object> header = new LinkedHashMap<>();
        header.put("typ", "JWT");
        header.put("alg", "PS256");
        header.put("kid", key.keyId());
        long iat = now.getEpochSecond();
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", key.serviceAccountId());
        claims.put("aud", AUDIENCE);
        claims.put("iat", iat);
        claims.put("exp", iat + LIFETIME_SECONDS);
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput;
        try {
            signingInput = base64.encodeToString(JSON.std.asBytes(header)) + "."
                    + base64.encodeToString(JSON.std.asBytes(claims));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write a JWT as JSON", e);
        }
        byte[] signature;
        try {
            signature = signature(key.privateKey(), signingInput);
        } catch (GeneralSecurityException e) {
            throw new AuthException("Could not sign a PS256 JWT with key " + key.keyId()
                    + ": " + e.getClass().getSimpleName()
                    + " (does this JVM provide RSASSA-PSS?)");
        }
        return signingInput + "." + base64.encodeToString(signature);
    }

    private static byte[] signature(PrivateKey key, String signingInput)
            throws GeneralSecurityException {
        Signature signer = Signature.getInstance("RSASSA-PSS");
        signer.setParameter(pssParameters());
        signer.initSign(key);
        signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signer.sign();
    }
}
