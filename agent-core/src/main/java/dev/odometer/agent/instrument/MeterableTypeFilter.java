package dev.odometer.agent.instrument;

import java.net.URL;
import java.util.Set;

/**
 * The cheap first question asked of every class the JVM loads: could it have a metered method?
 * Yes when its bytes mention {@code @Metered}, when it is a class the config lists, or when one
 * of its supertypes, transitively, is such a class.
 *
 * <p>The common class is rejected after one pass over its constant pool ({@link ClassFileScan})
 * and a look-up of each direct supertype's answer: the JDK's types never count, and a supertype
 * the JVM has already loaded was answered when it loaded (the JVM always defines a supertype
 * before its subtypes, so answers are found in the defining loader or one of its parents).
 * Only a supertype not loaded yet is read from the loader's resources, once per loader.
 *
 * <p>For a class that may be metered it keeps the class-file model ({@link TypeModel}), which the
 * planner needs for it and for its subtypes. A yes only means the planner takes a closer look;
 * a no is final. Generated proxies are never metered: the object they stand for is.
 */
final class MeterableTypeFilter {
    private static final String[] NEVER_PREFIXES = {
        "java/", "jdk/", "sun/", "com/sun/", "dev/odometer/agent/"
    };
    private static final int MAX_DEPTH = 64;

    private final Set<String> listedTypes;
    private final KnownTypes known;

    /** @param listedTypes internal names ({@code com/acme/Mailer}) of classes the config lists */
    MeterableTypeFilter(Set<String> listedTypes, KnownTypes known) {
        this.listedTypes = Set.copyOf(listedTypes);
        this.known = known;
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
        return candidate(loader, classFile, null) != null;
    }

    /**
     * The model of the class defined by {@code classFile} in {@code loader} when it may have
     * metered methods, else null; the answer is remembered for its subtypes either way.
     */
    TypeModel candidate(ClassLoader loader, byte[] classFile, URL codeSource) {
        ClassFileScan scan = ClassFileScan.of(classFile);
        if (scan == null) {
            return null;
        }
        boolean meterable = decide(loader, scan, 0, codeSource);
        LoaderTypes types = known.of(loader);
        types.remember(scan.name, meterable);
        if (!meterable) {
            return null;
        }
        TypeModel model = TypeModel.read(classFile);
        types.rememberModel(model);
        return GeneratedProxies.isProxy(scan) ? null : model;
    }

    /** Whether a supertype, as {@code loader} resolves its name, may pass metering on. */
    boolean isMeterableSupertype(ClassLoader loader, String name) {
        return isMeterableSupertype(loader, name, 0, null);
    }

    private boolean decide(ClassLoader loader, ClassFileScan scan, int depth, URL near) {
        if (scan.mentionsMetered || listedTypes.contains(scan.name)) {
            return true;
        }
        if (scan.superName != null
                && isMeterableSupertype(loader, scan.superName, depth, near)) {
            return true;
        }
        for (String anInterface : scan.interfaces) {
            if (isMeterableSupertype(loader, anInterface, depth, near)) {
                return true;
            }
        }
        return false;
    }

    private boolean isMeterableSupertype(ClassLoader loader, String name, int depth, URL near) {
        if (listedTypes.contains(name)) {
            return true;
        }
        if (isNeverMetered(name) || depth > MAX_DEPTH) {
            return false;
        }
        Boolean answer = known.answer(loader, name);
        if (answer != null) {
            return answer;
        }
        // not loaded yet (the JVM loads it right after this class): read it, once per loader
        byte[] bytes = known.read(loader, name, near);
        ClassFileScan scan = bytes == null ? null : ClassFileScan.of(bytes);
        boolean meterable = scan != null && decide(loader, scan, depth + 1, near);
        LoaderTypes types = known.of(loader);
        types.remember(name, meterable);
        if (meterable) {
            try {
                types.rememberModel(TypeModel.read(bytes));
            } catch (RuntimeException damaged) {
                // the planner reads it again and skips it if it still cannot
            }
        }
        return meterable;
    }
}
