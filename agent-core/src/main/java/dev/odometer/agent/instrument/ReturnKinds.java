package dev.odometer.agent.instrument;

import org.objectweb.asm.Type;

/** What a metered method returns, as far as billing on completion is concerned. */
final class ReturnKinds {
    /** Asynchronous result types, by name, that the agent does not follow yet. */
    private static final String[] UNFOLLOWED_PREFIXES = {
        "reactor.core.publisher.", "io.reactivex.", "io.smallrye.mutiny.",
        "kotlinx.coroutines.", "org.reactivestreams.", "java.util.concurrent.Flow",
        "com.google.common.util.concurrent.ListenableFuture", "io.vertx.core.Future",
        "io.netty.util.concurrent.Future"
    };
    private static final String STAGE = "java/util/concurrent/CompletionStage";
    private static final String FUTURE = "java/util/concurrent/Future";
    private static final String CONTINUATION = "Lkotlin/coroutines/Continuation;";

    private final TypeHierarchy hierarchy;

    ReturnKinds(TypeHierarchy hierarchy) {
        this.hierarchy = hierarchy;
    }

    /** Whether the method returns a {@code CompletionStage} (or a subtype). */
    boolean isStage(ClassLoader loader, String descriptor) {
        Type type = Type.getReturnType(descriptor);
        return type.getSort() == Type.OBJECT
                && hierarchy.isSubtype(loader, type.getInternalName(), STAGE);
    }

    /** Whether the method is a Kotlin {@code suspend} function. */
    static boolean isKotlinSuspend(String descriptor) {
        return descriptor.substring(0, descriptor.indexOf(')')).endsWith(CONTINUATION);
    }

    /** The name of an asynchronous result type the agent does not follow, or null. */
    String unfollowedAsyncType(ClassLoader loader, String descriptor) {
        Type type = Type.getReturnType(descriptor);
        if (type.getSort() != Type.OBJECT) {
            return null;
        }
        String name = type.getClassName();
        for (String prefix : UNFOLLOWED_PREFIXES) {
            if (name.startsWith(prefix)) {
                return name;
            }
        }
        return hierarchy.isSubtype(loader, type.getInternalName(), FUTURE) ? name : null;
    }
}
