package com.acme.app.loaders.plain;

/**
 * One of three classes that {@code LoadersIT} renames to one name, {@code com.acme.loaders.Base},
 * each loaded by a class loader of its own. Not metered: no annotation.
 */
public abstract class Base implements Runnable {
    @Override
    public abstract void run();
}
