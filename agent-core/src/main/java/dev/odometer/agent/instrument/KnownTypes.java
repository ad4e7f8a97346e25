package dev.odometer.agent.instrument;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Everything learnt about types, per class loader (weak keys: a discarded loader's entries go
 * with it). A type is looked up in its loader and then in the loader's parents, which is where
 * standard delegation finds it; what no loader on that chain has seen yet is read from the
 * loader's resources, never loaded.
 */
final class KnownTypes {

    private final Map<ClassLoader, LoaderTypes> byLoader = new WeakHashMap<>();
    /** The last loader asked about, with its entries (one object, so they always agree). */
    private volatile Last last;
    private final LoaderTypes bootTypes = new LoaderTypes();
    private final ClassFiles classFiles = new ClassFiles();

    /** The entries of one loader (null: the bootstrap loader). */
    LoaderTypes of(ClassLoader loader) {
        return loader == null ? bootTypes : chain(loader)[0];
    }

    /** The pre-filter's answer for a name as {@code loader} would resolve it, or null. */
    Boolean answer(ClassLoader loader, String internalName) {
        for (LoaderTypes types : chain(loader)) {
            Boolean answer = types.answer(internalName);
            if (answer != null) {
                return answer;
            }
        }
        return null;
    }

    /** The model of a type that may be metered, as {@code loader} resolves it, or null. */
    TypeModel model(ClassLoader loader, String internalName) {
        for (LoaderTypes types : chain(loader)) {
            TypeModel model = types.model(internalName);
            if (model != null) {
                return model;
            }
        }
        return null;
    }

    /**
     * The entries of {@code loader}, then of its parents, then of the bootstrap loader. Class
     * loading comes in long runs from one loader, so the last chain is kept: no lock and no
     * allocation for the common look-up.
     */
    private LoaderTypes[] chain(ClassLoader loader) {
        if (loader == null) {
            return new LoaderTypes[] {bootTypes};
        }
        Last recent = last;
        if (recent != null && recent.loader.get() == loader) {
            return recent.chain;
        }
        List<LoaderTypes> chain = new ArrayList<>();
        synchronized (byLoader) {
            for (ClassLoader l = loader; l != null; l = parent(l)) {
                LoaderTypes types = byLoader.get(l);
                if (types == null) {
                    types = new LoaderTypes();
                    byLoader.put(l, types);
                }
                chain.add(types);
            }
        }
        chain.add(bootTypes);
        LoaderTypes[] result = chain.toArray(new LoaderTypes[0]);
        last = new Last(loader, result);
        return result;
    }

    /** The class file of a type as {@code loader} would find it, never loaded, or null. */
    byte[] read(ClassLoader loader, String internalName) {
        return classFiles.read(loader, internalName, null);
    }

    /** As {@link #read(ClassLoader, String)}, looking next to {@code near} first. */
    byte[] read(ClassLoader loader, String internalName, java.net.URL near) {
        return classFiles.read(loader, internalName, near);
    }

    private static final class Last {
        final java.lang.ref.WeakReference<ClassLoader> loader;
        final LoaderTypes[] chain;

        Last(ClassLoader loader, LoaderTypes[] chain) {
            this.loader = new java.lang.ref.WeakReference<>(loader);
            this.chain = chain;
        }
    }

    private static ClassLoader parent(ClassLoader loader) {
        try {
            return loader.getParent();
        } catch (RuntimeException denied) {
            return null;
        }
    }
}
