package dev.odometer.agent.instrument;

import dev.odometer.agent.config.MethodPattern;
import dev.odometer.agent.config.OdometerConfig;
import dev.odometer.agent.config.SkuConfig;
import dev.odometer.agent.log.AgentLog;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.matcher.ElementMatchers;
import net.bytebuddy.utility.JavaModule;

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
        MeteringPlanner planner = new MeteringPlanner(slots, listed,
                String.valueOf(config.source().getFileName()));
        MeterableTypeFilter filter = new MeterableTypeFilter(listedTypes);

        CompletableFuture<ClassFileTransformer> byteBuddy = new CompletableFuture<>();
        Thread warmUp = new Thread(() -> {
            try {
                byteBuddy.complete(byteBuddyTransformer(instrumentation, planner));
            } catch (Throwable e) {
                byteBuddy.completeExceptionally(e);
            }
        }, "odometer-instrumentation-init");
        warmUp.setDaemon(true);
        warmUp.start();

        PrefilteringTransformer transformer = new PrefilteringTransformer(filter, byteBuddy);
        boolean canRetransform = instrumentation.isRetransformClassesSupported();
        instrumentation.addTransformer(transformer, canRetransform);
        if (retransformLoaded) {
            if (canRetransform) {
                retransformLoadedClasses(instrumentation, filter);
            } else {
                LOG.warn("this JVM cannot retransform classes: classes loaded before the agent "
                        + "attached are not metered");
            }
        }
    }

    private static ClassFileTransformer byteBuddyTransformer(Instrumentation instrumentation,
                                                             MeteringPlanner planner) {
        MeteringTransformation transformation = new MeteringTransformation(planner);
        Class<?> counters;
        try {
            counters = Class.forName("dev.odometer.agent.bootstrap.Counters", false, null);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("bootstrap classes missing", e);
        }
        return new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.PoolStrategy.Default.FAST)
                .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
                .with(AgentBuilder.InitializationStrategy.NoOp.INSTANCE)
                .with(new FailureListener())
                .ignore(ElementMatchers.none())
                .type(transformation.typesWithMeteredMethods())
                .transform(transformation)
                .assureReadEdgeTo(instrumentation, counters)
                .makeRaw();
    }

    private static void retransformLoadedClasses(Instrumentation instrumentation,
                                                 MeterableTypeFilter filter) {
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
            byte[] bytes = classFile(loader, internalName);
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

    private static byte[] classFile(ClassLoader loader, String internalName) {
        try (InputStream in = loader.getResourceAsStream(internalName + ".class")) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Reports a class Byte Buddy could not instrument, once per class, without a stack trace. */
    private static final class FailureListener extends AgentBuilder.Listener.Adapter {
        @Override
        public void onError(String typeName, ClassLoader classLoader, JavaModule module,
                            boolean loaded, Throwable throwable) {
            LOG.warn("could not instrument " + typeName + ", it runs unmetered: " + throwable);
        }
    }
}
