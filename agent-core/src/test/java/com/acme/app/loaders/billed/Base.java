package com.acme.app.loaders.billed;

import dev.odometer.Metered;

/**
 * One of three classes that {@code LoadersIT} renames to one name, {@code com.acme.loaders.Base},
 * each loaded by a class loader of its own. Metered as {@code loader-billed}.
 */
public abstract class Base implements Runnable {
    @Metered("loader-billed")
    @Override
    public abstract void run();
}
