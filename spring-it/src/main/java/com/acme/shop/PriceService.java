package com.acme.shop;

import dev.odometer.Metered;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.stereotype.Service;

/**
 * Billed per price computed; {@code @Cacheable}, so a cached answer never reaches this code and
 * is not billed.
 */
@Service
public class PriceService {
    private final AtomicLong computed = new AtomicLong();

    @Cacheable("prices")
    @Metered("quote")
    public String quote(String product) {
        computed.incrementAndGet();
        return product + "=" + (100 + product.length());
    }
}
