package dev.odometer.agent.instrument;

import dev.odometer.agent.config.MethodPattern;
import dev.odometer.agent.log.AgentLog;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.annotation.AnnotationList;
import net.bytebuddy.description.enumeration.EnumerationDescription;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterDescription;
import net.bytebuddy.description.method.ParameterList;
import net.bytebuddy.description.type.TypeDefinition;
import net.bytebuddy.description.type.TypeDescription;

/**
 * Decides which methods of a type are metered, and how: from {@code @Metered} on the method or
 * on the interface or superclass method it implements or overrides (matched by signature after
 * resolving generics, as the JVM does), then from the config's {@code methods:} lists, which
 * also match subclasses and implementations of the listed class.
 */
final class MeteringPlanner {
    static final String METERED = "dev.odometer.Metered";
    static final String QUANTITY = "dev.odometer.Quantity";
    private static final AgentLog LOG = AgentLog.forClass(MeteringPlanner.class);

    private final Map<String, Integer> slotByAlias;
    private final Map<String, List<Listed>> listedByClass = new LinkedHashMap<>();
    private final String configName;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();

    /**
     * @param slotByAlias counter slot of each configured SKU alias
     * @param listed      methods the config lists, by SKU alias
     * @param configName  the config file, for messages
     */
    MeteringPlanner(Map<String, Integer> slotByAlias, Map<String, List<MethodPattern>> listed,
                    String configName) {
        this.slotByAlias = Map.copyOf(slotByAlias);
        this.configName = configName;
        for (Map.Entry<String, List<MethodPattern>> e : listed.entrySet()) {
            for (MethodPattern pattern : e.getValue()) {
                listedByClass.computeIfAbsent(pattern.className(), k -> new ArrayList<>())
                        .add(new Listed(e.getKey(), pattern));
            }
        }
    }

    /** The metered methods of {@code type}, keyed by signature; empty when none. */
    Map<MethodDescription.SignatureToken, MeteredMethod> plan(TypeDescription type) {
        if (type.isAnnotation()) {
            return Collections.emptyMap();
        }
        List<TypeDescription.Generic> supertypes = supertypes(type);
        Map<MethodDescription.SignatureToken, MeteredMethod> plan = new LinkedHashMap<>();
        for (MethodDescription.InDefinedShape method : type.getDeclaredMethods()) {
            if (!isInstrumentable(method)) {
                continue;
            }
            MeteredMethod metered = fromAnnotation(type, method, supertypes);
            if (metered == null) {
                metered = fromConfig(type, method, supertypes);
            }
            if (metered != null) {
                plan.put(method.asSignatureToken(), metered);
            }
        }
        return plan;
    }

    private static boolean isInstrumentable(MethodDescription method) {
        return method.isMethod() && !method.isAbstract() && !method.isNative()
                && !method.isBridge() && !method.isSynthetic();
    }

    private MeteredMethod fromAnnotation(TypeDescription type, MethodDescription.InDefinedShape method,
                                         List<TypeDescription.Generic> supertypes) {
        MethodDescription carrier = method;
        AnnotationDescription metered = find(method.getDeclaredAnnotations(), METERED);
        if (metered == null && method.isVirtual()) {
            MethodDescription.SignatureToken token = method.asSignatureToken();
            search:
            for (TypeDescription.Generic supertype : supertypes) {
                for (MethodDescription candidate : declaredMethods(supertype)) {
                    if (candidate.isVirtual() && candidate.asSignatureToken().equals(token)) {
                        AnnotationDescription found =
                                find(candidate.getDeclaredAnnotations(), METERED);
                        if (found != null) {
                            metered = found;
                            carrier = candidate;
                            break search;
                        }
                    }
                }
            }
        }
        if (metered == null) {
            return null;
        }
        String alias = stringValue(metered, "value");
        String where = describe(type, method);
        String origin = carrier == method ? "@Metered"
                : "@Metered inherited from " + carrier.getDeclaringType().asErasure().getName();
        Integer slot = slotByAlias.get(alias);
        if (slot == null) {
            warnOnce(alias + "@" + where, "@Metered(\"" + alias + "\") on " + where
                    + " names no SKU in " + configName + ": add skus." + alias
                    + " with its sku_id, or correct the alias. The method is not metered.");
            return null;
        }
        CountMode mode = CountMode.fromAnnotationValue(enumValue(metered, "countOn"));
        int quantity = quantityIndex(method, where);
        if (quantity == MeteredMethod.NO_QUANTITY && carrier != method) {
            quantity = quantityIndex(carrier, where);
        }
        return withResult(new MeteredMethod(alias, slot, mode, quantity, origin,
                ReturnKinds.isStage(method)), method, where);
    }

    private MeteredMethod fromConfig(TypeDescription type, MethodDescription.InDefinedShape method,
                                     List<TypeDescription.Generic> supertypes) {
        if (listedByClass.isEmpty()) {
            return null;
        }
        List<Listed> own = listedByClass.getOrDefault(type.getName(), Collections.emptyList());
        for (Listed listed : own) {
            if (listed.pattern.matchesEveryMethod() ? method.isPublic()
                    : method.getName().equals(listed.pattern.methodName())) {
                return configured(listed, type, method);
            }
        }
        for (TypeDescription.Generic supertype : supertypes) {
            List<Listed> inherited = listedByClass.get(supertype.asErasure().getName());
            if (inherited == null) {
                continue;
            }
            for (Listed listed : inherited) {
                if (listed.pattern.matchesEveryMethod()
                        ? overrides(method, supertype)
                        : method.getName().equals(listed.pattern.methodName())) {
                    return configured(listed, type, method);
                }
            }
        }
        return null;
    }

    private MeteredMethod configured(Listed listed, TypeDescription type, MethodDescription method) {
        String where = describe(type, method);
        Integer slot = slotByAlias.get(listed.alias);
        return withResult(new MeteredMethod(listed.alias, slot, CountMode.SUCCESS,
                quantityIndex(method, where), configName + " skus." + listed.alias + ".methods: "
                + listed.pattern, ReturnKinds.isStage(method)), method, where);
    }

    private static boolean overrides(MethodDescription method, TypeDescription.Generic supertype) {
        if (!method.isVirtual()) {
            return false;
        }
        MethodDescription.SignatureToken token = method.asSignatureToken();
        for (MethodDescription candidate : declaredMethods(supertype)) {
            if (candidate.isVirtual() && candidate.asSignatureToken().equals(token)) {
                return true;
            }
        }
        return false;
    }

    /**
     * The plan for a method whose result the agent cannot follow to completion, with one line
     * saying what is counted: a Kotlin suspend function is not metered at all (each resumption
     * enters it again), other asynchronous results count when the method returns them.
     */
    private MeteredMethod withResult(MeteredMethod metered, MethodDescription method,
                                     String where) {
        if (metered.async) {
            return metered;
        }
        if (ReturnKinds.isKotlinSuspend(method)) {
            warnOnce("async@" + where, where + " is a Kotlin suspend function, which Odometer "
                    + "cannot follow yet (each resumption enters it again): it is not metered. "
                    + "Meter a regular function it calls, or one that calls it.");
            return null;
        }
        String unfollowed = ReturnKinds.unfollowedAsyncType(method);
        if (unfollowed != null) {
            warnOnce("async@" + where, where + " returns " + unfollowed + ", which Odometer "
                    + "cannot follow to completion yet: it counts " + metered.mode.name()
                    .toLowerCase() + " calls when the method returns, not when the work "
                    + "completes. Return a CompletionStage to bill on completion.");
        }
        return metered;
    }

    /** Index of the one usable {@code @Quantity} parameter, or NO_QUANTITY with a warning. */
    private int quantityIndex(MethodDescription method, String where) {
        ParameterList<?> parameters = method.getParameters();
        int found = MeteredMethod.NO_QUANTITY;
        for (ParameterDescription parameter : parameters) {
            if (find(parameter.getDeclaredAnnotations(), QUANTITY) == null) {
                continue;
            }
            if (found != MeteredMethod.NO_QUANTITY) {
                warnOnce("quantity@" + where, "@Quantity is on more than one parameter of "
                        + where + "; keep it on one. Counting 1 per call.");
                return MeteredMethod.NO_QUANTITY;
            }
            if (!QuantityReader.supports(parameter.getType().asErasure())) {
                warnOnce("quantity@" + where, "@Quantity on parameter " + parameter.getIndex()
                        + " of " + where + " has type " + parameter.getType().asErasure().getName()
                        + "; use int, long, a Collection, a Map or an array. Counting 1 per call.");
                return MeteredMethod.NO_QUANTITY;
            }
            found = parameter.getIndex();
        }
        return found;
    }

    /** Superclasses then interfaces, transitively, generics resolved; JDK types skipped. */
    private List<TypeDescription.Generic> supertypes(TypeDescription type) {
        List<TypeDescription.Generic> result = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Deque<TypeDefinition> queue = new ArrayDeque<>();
        queue.add(type);
        while (!queue.isEmpty()) {
            TypeDefinition current = queue.poll();
            try {
                TypeDescription.Generic superClass = current.getSuperClass();
                if (superClass != null) {
                    visit(superClass, result, seen, queue);
                }
                for (TypeDescription.Generic anInterface : current.getInterfaces()) {
                    visit(anInterface, result, seen, queue);
                }
            } catch (RuntimeException unresolvable) {
                // a supertype missing from the class path: the JVM will fail to load this
                // class anyway; meter what can be resolved
            }
        }
        return result;
    }

    private void visit(TypeDescription.Generic supertype, List<TypeDescription.Generic> result,
                       Set<String> seen, Deque<TypeDefinition> queue) {
        String name = supertype.asErasure().getName();
        if (!seen.add(name)) {
            return;
        }
        if (name.startsWith("java.") && !listedByClass.containsKey(name)) {
            return;
        }
        result.add(supertype);
        queue.add(supertype);
    }

    private static List<MethodDescription> declaredMethods(TypeDescription.Generic type) {
        try {
            return new ArrayList<>(type.getDeclaredMethods());
        } catch (RuntimeException unresolvable) {
            return Collections.emptyList();
        }
    }

    private static AnnotationDescription find(AnnotationList annotations, String typeName) {
        for (AnnotationDescription annotation : annotations) {
            if (annotation.getAnnotationType().getName().equals(typeName)) {
                return annotation;
            }
        }
        return null;
    }

    private static String stringValue(AnnotationDescription annotation, String property) {
        return String.valueOf(annotation.getValue(property).resolve());
    }

    private static String enumValue(AnnotationDescription annotation, String property) {
        try {
            Object value = annotation.getValue(property).resolve();
            return value instanceof EnumerationDescription
                    ? ((EnumerationDescription) value).getValue() : String.valueOf(value);
        } catch (RuntimeException defaultNotResolvable) {
            return CountMode.SUCCESS.name();
        }
    }

    private static String describe(TypeDescription type, MethodDescription method) {
        return type.getName() + "#" + method.getName();
    }

    private void warnOnce(String key, String message) {
        if (warned.add(key)) {
            LOG.warn(message);
        }
    }

    private static final class Listed {
        final String alias;
        final MethodPattern pattern;

        Listed(String alias, MethodPattern pattern) {
            this.alias = alias;
            this.pattern = pattern;
        }
    }
}
