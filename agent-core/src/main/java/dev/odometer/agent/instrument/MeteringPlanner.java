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
import org.objectweb.asm.Type;

/**
 * Decides which methods of a type are metered, and how: from {@code @Metered} on the method or
 * on the interface or superclass method it implements or overrides (matched by name and
 * parameter types after resolving generics, as the JVM's overriding and javac's bridges do),
 * then from the config's {@code methods:} lists, which also match subclasses and implementations
 * of the listed class.
 *
 * <p>Works from class files only ({@link TypeModel}): the type's own, and those of its supertypes
 * that may pass metering on (the pre-filter's answers), read through the type's class loader
 * when the pre-filter has not kept them. Nothing is loaded.
 */
final class MeteringPlanner {
    private static final AgentLog LOG = AgentLog.forClass(MeteringPlanner.class);

    private final Map<String, Integer> slotByAlias;
    private final Map<String, List<Listed>> listedByClass = new LinkedHashMap<>();
    private final String configName;
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private final MeterableTypeFilter filter;
    private final KnownTypes known;
    private final ReturnKinds returnKinds;
    private final QuantityTypes quantityTypes;

    /**
     * @param slotByAlias counter slot of each configured SKU alias
     * @param listed      methods the config lists, by SKU alias
     * @param configName  the config file, for messages
     */
    MeteringPlanner(Map<String, Integer> slotByAlias, Map<String, List<MethodPattern>> listed,
                    String configName, MeterableTypeFilter filter, KnownTypes known) {
        this.slotByAlias = Map.copyOf(slotByAlias);
        this.configName = configName;
        this.filter = filter;
        this.known = known;
        TypeHierarchy hierarchy = new TypeHierarchy(known);
        this.returnKinds = new ReturnKinds(hierarchy);
        this.quantityTypes = new QuantityTypes(hierarchy);
        for (Map.Entry<String, List<MethodPattern>> e : listed.entrySet()) {
            for (MethodPattern pattern : e.getValue()) {
                List<Listed> forClass = listedByClass.get(pattern.internalClassName());
                if (forClass == null) {
                    forClass = new ArrayList<>();
                    listedByClass.put(pattern.internalClassName(), forClass);
                }
                forClass.add(new Listed(e.getKey(), pattern));
            }
        }
    }

    /** The metered methods of {@code type}, keyed by name and descriptor; empty when none. */
    Map<String, MeteredMethod> plan(ClassLoader loader, TypeModel type) {
        if (type.isAnnotation()) {
            return Collections.emptyMap();
        }
        List<Supertype> supertypes = null;
        Map<String, MeteredMethod> plan = new LinkedHashMap<>();
        for (TypeModel.MethodModel method : type.methods) {
            if (!method.isInstrumentable()) {
                continue;
            }
            if (supertypes == null && !method.isMetered()
                    && (method.isVirtual() || !listedByClass.isEmpty())) {
                supertypes = supertypes(loader, type);
            }
            MeteredMethod metered = fromAnnotation(loader, type, method, supertypes);
            if (metered == null) {
                metered = fromConfig(loader, type, method,
                        supertypes == null ? Collections.emptyList() : supertypes);
            }
            if (metered != null) {
                plan.put(method.name + method.descriptor, metered);
            }
        }
        return plan;
    }

    private MeteredMethod fromAnnotation(ClassLoader loader, TypeModel type,
                                         TypeModel.MethodModel method,
                                         List<Supertype> supertypes) {
        TypeModel.MethodModel carrier = method;
        TypeModel carrierType = type;
        if (!method.isMetered() && method.isVirtual() && supertypes != null) {
            String parameters = parameters(method);
            search:
            for (Supertype supertype : supertypes) {
                for (TypeModel.MethodModel candidate : supertype.model.methods) {
                    if (candidate.isMetered() && candidate.isVirtual()
                            && candidate.name.equals(method.name)
                            && Signatures.erasedParameters(candidate, supertype.bindings)
                                    .equals(parameters)) {
                        carrier = candidate;
                        carrierType = supertype.model;
                        break search;
                    }
                }
            }
        }
        if (!carrier.isMetered()) {
            return null;
        }
        String alias = carrier.meteredAlias;
        String where = describe(type, method);
        String origin = carrier == method ? "@Metered"
                : "@Metered inherited from " + carrierType.javaName();
        Integer slot = slotByAlias.get(alias);
        if (slot == null) {
            warnOnce(alias + "@" + where, "@Metered(\"" + alias + "\") on " + where
                    + " names no SKU in " + configName + ": add skus." + alias
                    + " with its sku_id, or correct the alias. The method is not metered.");
            return null;
        }
        CountMode mode = CountMode.fromAnnotationValue(carrier.countOn);
        int quantity = quantityIndex(loader, method, method, where);
        if (quantity == MeteredMethod.NO_QUANTITY && carrier != method) {
            quantity = quantityIndex(loader, carrier, method, where);
        }
        return withResult(loader, new MeteredMethod(alias, slot, mode, quantity, origin,
                returnKinds.isStage(loader, method.descriptor)), method, where);
    }

    private MeteredMethod fromConfig(ClassLoader loader, TypeModel type,
                                     TypeModel.MethodModel method, List<Supertype> supertypes) {
        if (listedByClass.isEmpty()) {
            return null;
        }
        for (Listed listed : listedByClass.getOrDefault(type.name, Collections.emptyList())) {
            if (listed.pattern.matchesEveryMethod() ? method.isPublic()
                    : method.name.equals(listed.pattern.methodName())) {
                return configured(loader, listed, type, method);
            }
        }
        for (Supertype supertype : supertypes) {
            List<Listed> inherited = listedByClass.get(supertype.model.name);
            if (inherited == null) {
                continue;
            }
            for (Listed listed : inherited) {
                if (listed.pattern.matchesEveryMethod()
                        ? overrides(method, supertype)
                        : method.name.equals(listed.pattern.methodName())) {
                    return configured(loader, listed, type, method);
                }
            }
        }
        return null;
    }

    private MeteredMethod configured(ClassLoader loader, Listed listed, TypeModel type,
                                     TypeModel.MethodModel method) {
        String where = describe(type, method);
        Integer slot = slotByAlias.get(listed.alias);
        return withResult(loader, new MeteredMethod(listed.alias, slot, CountMode.SUCCESS,
                quantityIndex(loader, method, method, where), configName + " skus."
                + listed.alias + ".methods: " + listed.pattern,
                returnKinds.isStage(loader, method.descriptor)), method, where);
    }

    private static boolean overrides(TypeModel.MethodModel method, Supertype supertype) {
        if (!method.isVirtual()) {
            return false;
        }
        String parameters = parameters(method);
        for (TypeModel.MethodModel candidate : supertype.model.methods) {
            if (candidate.isVirtual() && candidate.name.equals(method.name)
                    && Signatures.erasedParameters(candidate, supertype.bindings)
                            .equals(parameters)) {
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
    private MeteredMethod withResult(ClassLoader loader, MeteredMethod metered,
                                     TypeModel.MethodModel method, String where) {
        if (metered.async) {
            return metered;
        }
        if (ReturnKinds.isKotlinSuspend(method.descriptor)) {
            warnOnce("async@" + where, where + " is a Kotlin suspend function, which Odometer "
                    + "cannot follow yet (each resumption enters it again): it is not metered. "
                    + "Meter a regular function it calls, or one that calls it.");
            return null;
        }
        String unfollowed = returnKinds.unfollowedAsyncType(loader, method.descriptor);
        if (unfollowed != null) {
            warnOnce("async@" + where, where + " returns " + unfollowed + ", which Odometer "
                    + "cannot follow to completion yet: it counts " + metered.mode.name()
                    .toLowerCase() + " calls when the method returns, not when the work "
                    + "completes. Return a CompletionStage to bill on completion.");
        }
        return metered;
    }

    /**
     * Index of the one usable {@code @Quantity} parameter of {@code annotated}, read from the
     * parameters of {@code woven} (the same list, or the method that overrides it), or
     * NO_QUANTITY with a warning.
     */
    private int quantityIndex(ClassLoader loader, TypeModel.MethodModel annotated,
                              TypeModel.MethodModel woven, String where) {
        List<Integer> annotatedParameters = annotated.quantityParameters;
        if (annotatedParameters.isEmpty()) {
            return MeteredMethod.NO_QUANTITY;
        }
        if (annotatedParameters.size() > 1) {
            warnOnce("quantity@" + where, "@Quantity is on more than one parameter of "
                    + where + "; keep it on one. Counting 1 per call.");
            return MeteredMethod.NO_QUANTITY;
        }
        int index = annotatedParameters.get(0);
        Type[] types = Type.getArgumentTypes(woven.descriptor);
        if (index >= types.length || !quantityTypes.supports(loader, types[index])) {
            warnOnce("quantity@" + where, "@Quantity on parameter " + index + " of " + where
                    + " has type " + (index < types.length ? types[index].getClassName() : "?")
                    + "; use int, long, a Collection, a Map or an array. Counting 1 per call.");
            return MeteredMethod.NO_QUANTITY;
        }
        return index;
    }

    /** Superclasses then interfaces, breadth first, generics resolved; only those that may
     *  pass metering on (listed, annotated, or above such a type), JDK types skipped. */
    private List<Supertype> supertypes(ClassLoader loader, TypeModel type) {
        List<Supertype> result = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        Deque<Supertype> queue = new ArrayDeque<>();
        queue.add(new Supertype(type, Signatures.bindingsOf(type, null)));
        while (!queue.isEmpty()) {
            Supertype current = queue.poll();
            Map<String, List<String>> arguments;
            try {
                arguments = Signatures.supertypeArguments(current.model, current.bindings);
            } catch (RuntimeException unreadableSignature) {
                arguments = Collections.emptyMap();
            }
            List<String> names = new ArrayList<>();
            if (current.model.superName != null) {
                names.add(current.model.superName);
            }
            Collections.addAll(names, current.model.interfaces);
            for (String name : names) {
                if (!seen.add(name)
                        || name.startsWith("java/") && !listedByClass.containsKey(name)
                        || !filter.isMeterableSupertype(loader, name)) {
                    continue;
                }
                TypeModel model = model(loader, name);
                if (model == null) {
                    continue; // missing from the class path: meter what can be resolved
                }
                Map<String, String> bindings;
                try {
                    bindings = Signatures.bindingsOf(model, arguments.get(name));
                } catch (RuntimeException unreadableSignature) {
                    bindings = Collections.emptyMap();
                }
                Supertype supertype = new Supertype(model, bindings);
                result.add(supertype);
                queue.add(supertype);
            }
        }
        return result;
    }

    private TypeModel model(ClassLoader loader, String name) {
        TypeModel model = known.model(loader, name);
        if (model != null) {
            return model;
        }
        byte[] bytes = known.read(loader, name);
        if (bytes == null) {
            return null;
        }
        try {
            model = TypeModel.read(bytes);
        } catch (RuntimeException damaged) {
            return null;
        }
        known.of(loader).rememberModel(model);
        return model;
    }

    private static String parameters(TypeModel.MethodModel method) {
        return method.descriptor.substring(0, method.descriptor.indexOf(')') + 1);
    }

    private static String describe(TypeModel type, TypeModel.MethodModel method) {
        return type.javaName() + "#" + method.name;
    }

    private void warnOnce(String key, String message) {
        if (warned.add(key)) {
            LOG.warnLater(message);
        }
    }

    /** A supertype's model with its type variables bound as the planned type sees them. */
    private static final class Supertype {
        final TypeModel model;
        final Map<String, String> bindings;

        Supertype(TypeModel model, Map<String, String> bindings) {
            this.model = model;
            this.bindings = bindings;
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
