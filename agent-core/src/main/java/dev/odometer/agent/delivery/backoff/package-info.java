/** Retry pacing for the delivery loop: {@link dev.odometer.agent.delivery.backoff.Backoff}. */
package dev.odometer.agent.delivery.backoff;
