package dev.odometer.agent.auth;

/** Obtains a fresh token from its issuer, uncached. */
interface TokenFetcher {

    FetchedToken fetch() throws AuthException;

    /** Where tokens come from, for messages. */
    String describe();
}
