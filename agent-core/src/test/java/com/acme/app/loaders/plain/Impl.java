package com.acme.app.loaders.plain;

/**
 * Renamed to {@code com.acme.loaders.Impl}; its class file does not mention {@code @Metered}, so
 * whether it is metered depends on the {@code Base} of its own class loader.
 */
public class Impl extends Base {
    private int runs;

    @Override
    public void run() {
        runs++;
    }
}
