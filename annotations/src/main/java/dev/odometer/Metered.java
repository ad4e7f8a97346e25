package dev.odometer;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a billable method: every counted call adds to the usage of the SKU whose alias is
 * {@link #value()} in the Odometer config ({@code skus:} key).
 *
 * <pre>{@code
 * @Metered("email")
 * public void send(Message message) { ... }
 * }</pre>
 *
 * <p>By default only calls that return normally are counted, so a failed operation is not
 * billed; {@link #countOn()} changes that. A call adds 1, or the value of the parameter
 * annotated with {@link Quantity}.
 *
 * <p>The annotation is honoured on the method itself and, unlike most instrumentation
 * annotations, also when it is declared on the interface method or superclass method that the
 * method implements or overrides, so a contract can declare what it bills for once.
 *
 * <p>Without the Odometer agent the annotation does nothing: it has no runtime behaviour of its
 * own and the application runs exactly as it would without it. An alias that is not in the
 * config is reported once at start-up and the method is left uninstrumented.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface Metered {

    /**
     * The SKU alias, a key under {@code skus:} in the config; the config maps it to the
     * marketplace's SKU id (Yandex) or dimension (Azure), so code never hard-codes those ids.
     *
     * @return the SKU alias
     */
    String value();

    /**
     * Which calls are counted.
     *
     * @return {@link CountOn#SUCCESS} unless stated otherwise
     */
    CountOn countOn() default CountOn.SUCCESS;
}
