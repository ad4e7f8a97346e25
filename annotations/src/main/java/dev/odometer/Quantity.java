package dev.odometer;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Names the parameter of a {@link Metered} method that says how many units one call consumes,
 * instead of 1: for example the number of recipients of an email, or the bytes uploaded.
 *
 * <pre>{@code
 * @Metered("email")
 * public void send(@Quantity List<String> recipients, String body) { ... }
 * }</pre>
 *
 * <p>Allowed on one parameter of type {@code int}, {@code long}, {@code short}, {@code byte}
 * (their boxed forms too), a {@link java.util.Collection} or a {@link java.util.Map} (its size),
 * or an array (its length). The amount is read when the method is entered. Zero, a negative
 * amount or {@code null} adds nothing. On any other parameter type, or on more than one
 * parameter, the agent reports the method at start-up and counts 1 per call.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Quantity {
}
