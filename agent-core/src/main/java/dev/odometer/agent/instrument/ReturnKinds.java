package dev.odometer.agent.instrument;

import java.util.concurrent.CompletionStage;
import java.util.concurrent.Future;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.method.ParameterList;
import net.bytebuddy.description.type.TypeDescription;

/** What a metered method returns, as far as billing on completion is concerned. */
final class ReturnKinds {
    /** Asynchronous result types, by name, that the agent does not follow yet. */
    private static final String[] UNFOLLOWED_PREFIXES = {
        "reactor.core.publisher.", "io.reactivex.", "io.smallrye.mutiny.",
        "kotlinx.coroutines.", "org.reactivestreams.", "java.util.concurrent.Flow",
        "com.google.common.util.concurrent.ListenableFuture", "io.vertx.core.Future",
        "io.netty.util.concurrent.Future"
    };

    private ReturnKinds() {
    }

    /** Whether the method returns a {@link CompletionStage} (or a subtype). */
    static boolean isStage(MethodDescription method) {
        return assignable(method.getReturnType().asErasure(), CompletionStage.class);
    }

    /** Whether the method is a Kotlin {@code suspend} function. */
    static boolean isKotlinSuspend(MethodDescription method) {
        ParameterList<?> parameters = method.getParameters();
        return !parameters.isEmpty() && parameters.get(parameters.size() - 1).getType()
                .asErasure().getName().equals("kotlin.coroutines.Continuation");
    }

    /** The name of an asynchronous result type the agent does not follow, or null. */
    static String unfollowedAsyncType(MethodDescription method) {
        TypeDescription type = method.getReturnType().asErasure();
        if (type.isPrimitive() || type.isArray()) {
            return null;
        }
        String name = type.getName();
        for (String prefix : UNFOLLOWED_PREFIXES) {
            if (name.startsWith(prefix)) {
                return name;
            }
        }
        return assignable(type, Future.class) ? name : null;
    }

    private static boolean assignable(TypeDescription type, Class<?> target) {
        try {
            return !type.isPrimitive() && type.isAssignableTo(target);
        } catch (RuntimeException unresolvable) {
            return false;
        }
    }
}
