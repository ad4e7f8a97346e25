package com.acme.shop;

import dev.odometer.Metered;
import dev.odometer.Quantity;
import java.util.concurrent.CompletableFuture;
import org.springframework.scheduling.annotation.Async;
import org.springframework.stereotype.Service;

/**
 * Billed per image, on success; {@code @Async}: the proxy returns at once with a future and runs
 * this method on the task executor.
 */
@Service
public class ThumbnailService {
    @Async
    @Metered("thumbnail")
    public CompletableFuture<String> render(@Quantity int images, boolean fail) {
        if (fail) {
            throw new IllegalStateException("cannot render " + images + " images");
        }
        return CompletableFuture.completedFuture(images + " thumbnails");
    }
}
