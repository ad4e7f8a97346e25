package dev.odometer.agent.marketplace;

import okhttp3.Call;
import okhttp3.EventListener;

/**
 * Watches one call for the moment its request starts going out on the wire. Before that (DNS,
 * connect, TLS handshake) a failure proves the marketplace never saw the records; after it, it
 * may have.
 */
final class RequestWritten extends EventListener {
    private volatile boolean started;

    @Override
    public void requestHeadersStart(Call call) {
        started = true;
    }

    /** True once the request has started going out. */
    boolean started() {
        return started;
    }
}
