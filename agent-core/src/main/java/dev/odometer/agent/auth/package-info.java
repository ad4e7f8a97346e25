/**
 * Bearer tokens for the marketplace clients: {@link dev.odometer.agent.auth.TokenSource} and its
 * Yandex implementations (instance metadata, service account key file, static token), cached
 * and refreshed ahead of expiry. Nothing here ever puts a token or key in a message or a log.
 */
package dev.odometer.agent.auth;
