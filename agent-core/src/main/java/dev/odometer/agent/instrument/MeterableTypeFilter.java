package dev.odometer.agent.instrument;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cheap first question asked of every class the JVM loads: could it have a metered method?
 * Yes when its bytes mention {@code @Metered}, when it is a class the config lists, or when one
 * of its supertypes, transitively, is such a class. Supertypes that are not loaded yet are read
 * from the class loader's resources; every answer is cached by type name, per class loader.
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
    /**
     * Answers by type name, per class loader: two loaders may define different classes of
     * one name (web apps in one container, a dev-tools restart loader). Weak keys, so a
     * discarded loader's answers go with it.
     */
    private final Map<ClassLoader, Map<String, Boolean>> answersByLoader = new WeakHashMap<>();

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

    /**
     * Whether the class defined by {@code classFile} in {@code loader} may have metered
     * methods. Generated proxies never do: the object they stand for is metered.
     */
    boolean mayBeMetered(ClassLoader loader, byte[] classFile) {
        ClassFileScan scan = ClassFileScan.of(classFile);
        if (scan == null) {
            return false;
        }
        Map<String, Boolean> answers = answersOf(loader);
        boolean result = decide(loader, answers, scan, 0);
        remember(answers, scan.name, result);
        return result && !GeneratedProxies.isProxy(scan);
    }

    private Map<String, Boolean> answersOf(ClassLoader loader) {
        synchronized (answersByLoader) {
            return answersByLoader.computeIfAbsent(loader, k -> new ConcurrentHashMap<>());
        }
    }

    private boolean decide(ClassLoader loader, Map<String, Boolean> answers, ClassFileScan scan,
                           int depth) {
        if (scan.mentionsMetered || listedTypes.contains(scan.name)) {
            return true;
        }
        if (scan.superName != null
                && isMeterableSupertype(loader, answers, scan.superName, depth)) {
            return true;
        }
        for (String anInterface : scan.interfaces) {
            if (isMeterableSupertype(loader, answers, anInterface, depth)) {
                return true;
            }
        }
        return false;
    }

    private boolean isMeterableSupertype(ClassLoader loader, Map<String, Boolean> answers,
                                         String name, int depth) {
        if (listedTypes.contains(name)) {
            return true;
        }
        if (isNeverMetered(name) || depth > 64) {
            return false;
        }
        Boolean known = answers.get(name);
        if (known != null) {
            return known;
        }
        byte[] bytes = read(loader, name);
        ClassFileScan scan = bytes == null ? null : ClassFileScan.of(bytes);
        boolean result = scan != null && decide(loader, answers, scan, depth + 1);
        remember(answers, name, result);
        return result;
    }

    private static void remember(Map<String, Boolean> answers, String name, boolean meterable) {
        if (answers.size() >= CACHE_LIMIT) {
            answers.clear();
        }
        answers.put(name, meterable);
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
