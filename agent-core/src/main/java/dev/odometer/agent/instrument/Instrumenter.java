package dev.odometer.agent.instrument;

import dev.odometer.agent.config.MethodPattern;
import dev.odometer.agent.config.OdometerConfig;
import dev.odometer.agent.config.SkuConfig;
import dev.odometer.agent.log.AgentLog;
import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Installs metering into the JVM: the bootstrap classes, then the transformer, then (on runtime
 * attach) the retransformation of already loaded classes that may be metered.
 */
public final class Instrumenter {
    private static final AgentLog LOG = AgentLog.forClass(Instrumenter.class);

    private Instrumenter() {
    }

    /**
     * @param config            the validated config; SKU alias i gets counter slot i
     * @param retransformLoaded true on runtime attach, to meter classes loaded before the agent
     */
    public static void install(Instrumentation instrumentation, OdometerConfig config,
                               boolean retransformLoaded) throws IOException {
        BootstrapInjector.inject(instrumentation, Instrumenter.class);
        Module countersModule;
        try {
            countersModule = Class.forName(BootstrapInjector.CLASSES.get(0), false, null)
                    .getModule();
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("bootstrap classes missing", e);
        }

        Map<String, Integer> slots = new LinkedHashMap<>();
        Map<String, List<MethodPattern>> listed = new LinkedHashMap<>();
        Set<String> listedTypes = new HashSet<>();
        for (SkuConfig sku : config.skus().values()) {
            slots.put(sku.alias(), slots.size());
            listed.put(sku.alias(), sku.methods());
            for (MethodPattern pattern : sku.methods()) {
                listedTypes.add(pattern.internalClassName());
            }
        }
        KnownTypes known = new KnownTypes();
        MeterableTypeFilter filter = new MeterableTypeFilter(listedTypes, known);
        MeteringPlanner planner = new MeteringPlanner(slots, listed,
                String.valueOf(config.source().getFileName()), filter, known);
        MeteringTransformer transformer = new MeteringTransformer(instrumentation, filter,
                planner, countersModule);
        boolean canRetransform = instrumentation.isRetransformClassesSupported();
        instrumentation.addTransformer(transformer, canRetransform);
        new WeaverWarmUp().start();
        if (retransformLoaded) {
            if (canRetransform) {
                retransformLoadedClasses(instrumentation, filter, known);
            } else {
                LOG.warn("this JVM cannot retransform classes: classes loaded before the agent "
                        + "attached are not metered");
            }
        }
    }

    private static void retransformLoadedClasses(Instrumentation instrumentation,
                                                 MeterableTypeFilter filter, KnownTypes known) {
        List<Class<?>> candidates = new ArrayList<>();
        for (Class<?> type : instrumentation.getAllLoadedClasses()) {
            ClassLoader loader = type.getClassLoader();
            if (loader == null || type.isArray() || type.isPrimitive()
                    || !instrumentation.isModifiableClass(type)) {
                continue;
            }
            String internalName = type.getName().replace('.', '/');
            if (MeterableTypeFilter.isNeverMetered(internalName)) {
                continue;
            }
            byte[] bytes = known.read(loader, internalName);
            if (bytes != null && filter.mayBeMetered(loader, bytes)) {
                candidates.add(type);
            }
        }
        for (Class<?> type : candidates) {
            try {
                instrumentation.retransformClasses(type);
            } catch (Throwable e) {
                LOG.warn("could not meter already loaded class " + type.getName() + ": " + e);
            }
        }
        LOG.info("retransformed " + candidates.size() + " already loaded class(es) that may be "
                + "metered");
    }
}
