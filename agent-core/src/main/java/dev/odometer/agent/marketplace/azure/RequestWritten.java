package dev.odometer.agent.marketplace.azure;

import okhttp3.Call;
import okhttp3.EventListener;

/**
 * Watches one call for the moment its request starts going out on the wire. Before that (DNS,
 * connect, TLS handshake) a failure proves the marketplace never saw the events; after it, it
 * may have. (The Yandex client has the same listener, package-private to it.)
 */
final class RequestWritten extends EventListener {
    private volatile boolean started;

    @Override
    public void requestHeadersStart(Call call) {
        started = true;
    }

    boolean started() {
        return started;
    }
}
