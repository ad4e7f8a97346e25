package com.acme.app.loaders.other;

import dev.odometer.CountOn;
import dev.odometer.Metered;

/**
 * One of three classes that {@code LoadersIT} renames to one name, {@code com.acme.loaders.Base},
 * each loaded by a class loader of its own. Metered differently: as {@code loader-other}, every
 * call.
 */
public abstract class Base implements Runnable {
    @Metered(value = "loader-other", countOn = CountOn.ALWAYS)
    @Override
    public abstract void run();
}
