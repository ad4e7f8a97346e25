package dev.odometer.agent.instrument;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Whether a type is a subtype of another, decided from class files read through the class
 * loader (never by loading a class). Asked only about the parameter and return types of metered
 * methods; the JDK's answers are the same for every loader and are kept.
 */
final class TypeHierarchy {
    /** Common JDK types that are none of the types the planner asks about. */
    private static final Set<String> LEAVES = Set.of("java/lang/Object", "java/lang/String",
            "java/lang/Integer", "java/lang/Long", "java/lang/Short", "java/lang/Byte",
            "java/lang/Boolean", "java/lang/Character", "java/lang/Double", "java/lang/Float",
            "java/lang/Void", "java/lang/CharSequence", "java/lang/Number");
    private static final String[] NONE = new String[0];

    private final Map<String, String[]> jdkSupertypes = new ConcurrentHashMap<>();
    private final KnownTypes known;

    TypeHierarchy(KnownTypes known) {
        this.known = known;
    }

    /** Whether {@code type} is {@code target} or a subtype of it (internal names). */
    boolean isSubtype(ClassLoader loader, String type, String target) {
        Set<String> seen = new HashSet<>();
        Deque<String> queue = new ArrayDeque<>();
        queue.add(type);
        while (!queue.isEmpty()) {
            String current = queue.poll();
            if (current.equals(target)) {
                return true;
            }
            if (!seen.add(current) || LEAVES.contains(current)) {
                continue;
            }
            for (String supertype : supertypes(loader, current)) {
                queue.add(supertype);
            }
        }
        return false;
    }

    private String[] supertypes(ClassLoader loader, String name) {
        boolean jdk = name.startsWith("java/");
        if (jdk) {
            String[] cached = jdkSupertypes.get(name);
            if (cached != null) {
                return cached;
            }
        }
        byte[] bytes = jdk ? ClassFiles.readResource(null, name + ".class")
                : known.read(loader, name);
        ClassFileScan scan = bytes == null ? null : ClassFileScan.of(bytes);
        String[] result = NONE;
        if (scan != null) {
            result = new String[scan.interfaces.length + (scan.superName == null ? 0 : 1)];
            int i = 0;
            if (scan.superName != null) {
                result[i++] = scan.superName;
            }
            for (String anInterface : scan.interfaces) {
                result[i++] = anInterface;
            }
        }
        if (jdk) {
            jdkSupertypes.put(name, result);
        }
        return result;
    }
}
