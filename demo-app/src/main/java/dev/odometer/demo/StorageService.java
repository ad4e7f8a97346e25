package dev.odometer.demo;

import dev.odometer.Metered;
import dev.odometer.Quantity;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/** Stores attachments. Billed per byte stored. */
public class StorageService {
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final AtomicLong bytesStored = new AtomicLong();

    @Metered("storage")
    public void store(String name, @Quantity byte[] content) {
        files.put(name, content);
        bytesStored.addAndGet(content.length);
    }

    /** What this service did, by its own count. */
    public long bytesStored() {
        return bytesStored.get();
    }
}
