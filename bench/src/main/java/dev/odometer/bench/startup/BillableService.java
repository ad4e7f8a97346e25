package dev.odometer.bench.startup;

import dev.odometer.Metered;
import io.opentelemetry.instrumentation.annotations.WithSpan;

/**
 * The start-up app's own business class, loaded after the libraries: one method Odometer
 * meters and one the OpenTelemetry agent traces, so each agent has exactly one method to
 * instrument. Without an agent both annotations are inert.
 */
public final class BillableService {
    private long calls;

    @Metered("call")
    public long billable() {
        return ++calls;
    }

    @WithSpan
    public long traced() {
        return ++calls;
    }
}
