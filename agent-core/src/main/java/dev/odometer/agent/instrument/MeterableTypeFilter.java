package dev.odometer.agent.instrument;

import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cheap first question asked of every class the JVM loads: could it have a metered method?
 * Yes when its bytes mention {@code @Metered}, when it is a class the config lists, or when one
 * of its supertypes, transitively, is such a class. Supertypes that are not loaded yet are read
 * from the class loader's resources; every answer is cached by type name.
 *
 * <p>A yes only means Byte Buddy takes a closer look; a no is final. JDK types are never asked
 * about: they cannot carry the annotation and cannot be listed.
 */
final class MeterableTypeFilter {
    private static final String[] NEVER_PREFIXES = {
        "java/", "jdk/", "sun/", "com/sun/", "dev/odometer/agent/"
    };
    private static final int CACHE_LIMIT = 200_000;

    private final Set<String> listedTypes;
    private final ConcurrentHashMap<String, Boolean> meterableByName = new ConcurrentHashMap<>();

    /** @param listedTypes internal names ({@code com/acme/Mailer}) of classes the config lists */
    MeterableTypeFilter(Set<String> listedTypes) {
        this.listedTypes = Set.copyOf(listedTypes);
    }

    /** Whether a class name (internal form) is outside what the agent ever instruments. */
    static boolean isNeverMetered(String internalName) {
        for (String prefix : NEVER_PREFIXES) {
            if (internalName.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** Whether the class defined by {@code classFile} may have metered methods. */
    boolean mayBeMetered(ClassLoader loader, byte[] classFile) {
        ClassFileScan scan = ClassFileScan.of(classFile);
        if (scan == null) {
            return false;
        }
        boolean result = decide(loader, scan, 0);
        remember(scan.name, result);
        return result;
    }

    private boolean decide(ClassLoader loader, ClassFileScan scan, int depth) {
        if (scan.mentionsMetered || listedTypes.contains(scan.name)) {
            return true;
        }
        if (scan.superName != null && isMeterableSupertype(loader, scan.superName, depth)) {
            return true;
        }
        for (String anInterface : scan.interfaces) {
            if (isMeterableSupertype(loader, anInterface, depth)) {
                return true;
            }
        }
        return false;
    }

    private boolean isMeterableSupertype(ClassLoader loader, String name, int depth) {
        if (listedTypes.contains(name)) {
            return true;
        }
        if (isNeverMetered(name) || depth > 64) {
            return false;
        }
        Boolean known = meterableByName.get(name);
        if (known != null) {
            return known;
        }
        byte[] bytes = read(loader, name);
        ClassFileScan scan = bytes == null ? null : ClassFileScan.of(bytes);
        boolean result = scan != null && decide(loader, scan, depth + 1);
        remember(name, result);
        return result;
    }

    private void remember(String name, boolean meterable) {
        if (meterableByName.size() >= CACHE_LIMIT) {
            meterableByName.clear();
        }
        meterableByName.put(name, meterable);
    }

    private static byte[] read(ClassLoader loader, String internalName) {
        String resource = internalName + ".class";
        try (InputStream in = loader == null
                ? ClassLoader.getSystemResourceAsStream(resource)
                : loader.getResourceAsStream(resource)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException | RuntimeException unreadable) {
            return null;
        }
    }
}
