package com.acme.app;

import dev.odometer.CountOn;
import dev.odometer.Metered;
import dev.odometer.Quantity;
import java.lang.invoke.MethodHandles;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.SubmissionPublisher;
import java.util.function.BiFunction;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.MethodDelegation;
import net.bytebuddy.implementation.bind.annotation.AllArguments;
import net.bytebuddy.implementation.bind.annotation.Origin;
import net.bytebuddy.implementation.bind.annotation.RuntimeType;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * A host application for {@code AsyncIT}: metered methods that return a
 * {@code CompletableFuture} or {@code CompletionStage}, whose results complete normally,
 * exceptionally, or never, on other threads, after the call has returned. The {@code @Quantity}
 * list is cleared as soon as each call returns, before its result completes. Expected totals
 * per SKU alias are in the test.
 */
public final class AsyncApp {
    static final ExecutorService WORKERS = Executors.newFixedThreadPool(2);

    public static void main(String[] args) throws Exception {
        try {
            Jobs jobs = new Jobs();
            // per count mode: 3 calls of 2 items complete normally, 2 of 4 items fail, 1 of 16
            // items never completes
            outcomes(jobs::onSuccess);
            outcomes(jobs::onFailure);
            outcomes(jobs::always);
            stages(jobs);
            nested(jobs);
            asyncProxy();
            reactive(jobs);
        } finally {
            WORKERS.shutdown();
        }
        System.out.println("app done");
    }

    public static final class Jobs {
        @Metered("async-success")
        public CompletableFuture<String> onSuccess(@Quantity List<String> items,
                                                   CompletableFuture<String> result) {
            return result;
        }

        @Metered(value = "async-failure", countOn = CountOn.FAILURE)
        public CompletableFuture<String> onFailure(@Quantity List<String> items,
                                                   CompletableFuture<String> result) {
            return result;
        }

        @Metered(value = "async-always", countOn = CountOn.ALWAYS)
        public CompletableFuture<String> always(@Quantity List<String> items,
                                                CompletableFuture<String> result) {
            return result;
        }

        /** Declared as a CompletionStage. */
        @Metered("stage")
        public CompletionStage<String> stage(@Quantity int units, CompletionStage<String> result) {
            return result;
        }

        /** An async call that makes a nested async call of the same SKU on the same thread. */
        @Metered("async-nested")
        public CompletableFuture<Integer> outer(@Quantity int units) {
            return inner(1).thenApplyAsync(n -> units + n, WORKERS);
        }

        @Metered("async-nested")
        public CompletableFuture<Integer> inner(@Quantity int units) {
            return CompletableFuture.supplyAsync(() -> units, WORKERS);
        }

        /** A reactive result (as Reactor's Mono or Flux) that the agent cannot follow. */
        @Metered("reactive")
        public Flow.Publisher<String> publish(String item) {
            SubmissionPublisher<String> publisher = new SubmissionPublisher<>(WORKERS, 1);
            publisher.submit(item);
            publisher.close();
            return publisher;
        }
    }

    private static void outcomes(
            BiFunction<List<String>, CompletableFuture<String>, CompletableFuture<String>> method) {
        List<CompletableFuture<String>> succeed = new ArrayList<>();
        List<CompletableFuture<String>> fail = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            succeed.add(call(method, 2));
        }
        for (int i = 0; i < 2; i++) {
            fail.add(call(method, 4));
        }
        CompletableFuture<String> never = call(method, 16);
        // completed later, on another thread, after the items were cleared
        for (CompletableFuture<String> result : succeed) {
            WORKERS.execute(() -> result.complete("done"));
        }
        for (CompletableFuture<String> result : fail) {
            WORKERS.execute(() -> result.completeExceptionally(new IllegalStateException("no")));
        }
        for (CompletableFuture<String> result : succeed) {
            check("done".equals(result.join()), "result");
        }
        for (CompletableFuture<String> result : fail) {
            check(failed(result), "failure");
        }
        check(!never.isDone(), "never completes");
    }

    private static CompletableFuture<String> call(
            BiFunction<List<String>, CompletableFuture<String>, CompletableFuture<String>> method,
            int items) {
        List<String> list = new ArrayList<>();
        for (int i = 0; i < items; i++) {
            list.add("item-" + i);
        }
        CompletableFuture<String> result = method.apply(list, new CompletableFuture<>());
        list.clear(); // the method consumed its items; the amount was what it got
        return result;
    }

    /** stage: one already completed (5), one completed later (7), one already failed (100): 12. */
    private static void stages(Jobs jobs) {
        CompletionStage<String> done = jobs.stage(5, CompletableFuture.completedFuture("done"));
        CompletableFuture<String> later = new CompletableFuture<>();
        CompletionStage<String> pending = jobs.stage(7, later);
        CompletionStage<String> failed = jobs.stage(100,
                CompletableFuture.failedFuture(new IllegalStateException("no")));
        WORKERS.execute(() -> later.complete("later"));
        check("done".equals(done.toCompletableFuture().join()), "stage done");
        check("later".equals(pending.toCompletableFuture().join()), "stage later");
        check(failed(failed.toCompletableFuture()), "stage failed");
    }

    /** async-nested: two outer calls of 3, each with a nested call of 1: 6. */
    private static void nested(Jobs jobs) {
        check(jobs.outer(3).join() == 4, "nested");
        check(jobs.outer(3).join() == 4, "nested");
    }

    // --- an @Async proxy: the generated subclass hands the call to its target on a worker ---

    /** The target bean; its method is {@code @Async @Metered} in a Spring application. */
    public static class Renderer {
        @Metered("async-proxied")
        public CompletableFuture<String> render(@Quantity int pages) {
            return CompletableFuture.completedFuture("rendered " + pages);
        }
    }

    /** What Spring's AsyncExecutionInterceptor does: run the target on an executor. */
    public static final class AsyncInterceptor {
        private final Object target;

        AsyncInterceptor(Object target) {
            this.target = target;
        }

        @RuntimeType
        public Object intercept(@Origin Method method, @AllArguments Object[] args) {
            return CompletableFuture.supplyAsync(() -> {
                try {
                    return ((CompletableFuture<?>) method.invoke(target, args)).join();
                } catch (InvocationTargetException e) {
                    throw new CompletionException(e.getCause());
                } catch (IllegalAccessException e) {
                    throw new CompletionException(e);
                }
            }, WORKERS);
        }
    }

    /** async-proxied: three calls of 4 pages through the proxy: 12. */
    private static void asyncProxy() throws Exception {
        Renderer proxy = new ByteBuddy().subclass(Renderer.class)
                .name(Renderer.class.getName() + "$$SpringCGLIB$$0")
                .method(ElementMatchers.isDeclaredBy(Renderer.class))
                .intercept(MethodDelegation.to(new AsyncInterceptor(new Renderer())))
                .make()
                .load(Renderer.class.getClassLoader(), ClassLoadingStrategy.UsingLookup.of(
                        MethodHandles.privateLookupIn(Renderer.class, MethodHandles.lookup())))
                .getLoaded().getDeclaredConstructor().newInstance();
        for (int i = 0; i < 3; i++) {
            check("rendered 4".equals(proxy.render(4).join()), "rendered");
        }
    }

    private static void reactive(Jobs jobs) {
        jobs.publish("a");
        jobs.publish("b");
    }

    private static boolean failed(CompletableFuture<?> result) {
        try {
            result.join();
            return false;
        } catch (CompletionException expected) {
            return true;
        }
    }

    private static void check(boolean condition, String what) {
        if (!condition) {
            throw new AssertionError("metering changed what the app did: " + what);
        }
    }
}
