package com.acme.weaving;

import dev.odometer.Metered;
import dev.odometer.Quantity;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Annotations on supertypes, generics resolved through several levels. */
public final class Generic {
    private Generic() {
    }

    public interface Sender<T> {
        @Metered("g")
        void send(T item);

        @Metered("g")
        void sendAll(@Quantity List<T> items);
    }

    /** {@code send(String)}: the erasure of {@code send(T)} is {@code send(Object)}. */
    public static class StringSender implements Sender<String> {
        public int sent;

        @Override
        public void send(String item) {
            sent++;
        }

        @Override
        public void sendAll(List<String> items) {
            sent += items.size();
        }

        /** Same name, unrelated parameters: not an override. */
        public void send(Integer other) {
        }
    }

    /** Passes its own variable on: {@code Sender<X>} with {@code X extends Number}. */
    public abstract static class NumberSender<X extends Number> implements Sender<X> {
    }

    public static final class IntegerSender extends NumberSender<Integer> {
        @Override
        public void send(Integer item) {
        }

        @Override
        public void sendAll(List<Integer> items) {
        }
    }

    /** A raw implementation: {@code T} is its bound, Object. */
    @SuppressWarnings("rawtypes")
    public static final class RawSender implements Sender {
        @Override
        public void send(Object item) {
        }

        @Override
        public void sendAll(List items) {
        }
    }

    public interface Factory {
        @Metered("g")
        Object make();

        @Metered("g")
        CompletableFuture<?> later();
    }

    /** A covariant return: javac adds a bridge {@code Object make()}, which is not woven. */
    public static final class StringFactory implements Factory {
        @Override
        public String make() {
            return "made";
        }

        @Override
        public CompletableFuture<String> later() {
            return CompletableFuture.completedFuture("later");
        }
    }

    /** Listed in the test config as {@code Generic$Listed#*}. */
    public static class Listed {
        public void listedPublic() {
        }

        void notPublic() {
        }
    }

    public static final class ListedChild extends Listed {
        @Override
        public void listedPublic() {
        }

        public void ownPublic() {
        }
    }
}
