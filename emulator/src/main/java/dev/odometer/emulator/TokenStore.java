package dev.odometer.emulator;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The bearer tokens the metering endpoints accept: the configured static tokens (valid for both marketplaces,
 * never expiring) and the tokens the emulator issued, each for one marketplace and until its expiry by the
 * {@link EmulatorClock}, so a test sees a token run out by advancing the clock.
 */
final class TokenStore {

    enum Realm { YANDEX, AZURE }

    record IssuedToken(String token, Realm realm, String principal, Instant expiresAt) {}

    /** Why a token was refused; the message goes into the 401 body. */
    enum Refusal {
        MISSING("the request has no 'Authorization: Bearer <token>' header"),
        UNKNOWN("the token is not valid"),
        EXPIRED("the token has expired"),
        WRONG_REALM("the token was issued for the other marketplace");

        final String message;

        Refusal(String message) {
            this.message = message;
        }
    }

    /** The principal of an accepted token, or why it was refused. */
    record Check(String principal, Refusal refusal) {
        boolean accepted() {
            return refusal == null;
        }
    }

    static final String STATIC_PRINCIPAL = "static-token";

    private final Set<String> staticTokens;
    private final EmulatorClock clock;
    private final Map<String, IssuedToken> issued = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    TokenStore(Set<String> staticTokens, EmulatorClock clock) {
        this.staticTokens = Set.copyOf(staticTokens);
        this.clock = clock;
    }

    IssuedToken issue(Realm realm, String principal, Duration lifetime) {
        byte[] bytes = new byte[24];
        random.nextBytes(bytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        String token = (realm == Realm.YANDEX ? "t1.emu." : "eyJemu.") + secret;
        IssuedToken issuedToken = new IssuedToken(token, realm, principal, clock.now().plus(lifetime));
        issued.put(token, issuedToken);
        return issuedToken;
    }

    /** Checks an {@code Authorization} header value for the given marketplace. */
    Check check(Realm realm, String authorizationHeader) {
        Optional<String> token = bearer(authorizationHeader);
        if (token.isEmpty()) {
            return new Check(null, Refusal.MISSING);
        }
        if (staticTokens.contains(token.get())) {
            return new Check(STATIC_PRINCIPAL, null);
        }
        IssuedToken known = issued.get(token.get());
        if (known == null) {
            return new Check(null, Refusal.UNKNOWN);
        }
        if (known.realm() != realm) {
            return new Check(null, Refusal.WRONG_REALM);
        }
        if (!clock.now().isBefore(known.expiresAt())) {
            return new Check(null, Refusal.EXPIRED);
        }
        return new Check(known.principal(), null);
    }

    private static Optional<String> bearer(String header) {
        if (header == null) {
            return Optional.empty();
        }
        String trimmed = header.trim();
        if (trimmed.length() < 7 || !trimmed.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        String token = trimmed.substring(7).trim();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }
}
