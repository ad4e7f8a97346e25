package dev.odometer.agent.config;

import java.util.Objects;

/**
 * One entry of a SKU's {@code methods:} list: {@code com.acme.Mailer#send} (every overload of
 * {@code send}) or {@code com.acme.Mailer#*} (every public method). The class also matches its
 * subclasses and implementations, so listing an interface meters every implementation.
 */
public final class MethodPattern {
    private final String className;
    private final String methodName;

    private MethodPattern(String className, String methodName) {
        this.className = className;
        this.methodName = methodName;
    }

    /**
     * Parses {@code binary.class.Name#method} or {@code binary.class.Name#*}.
     *
     * @throws IllegalArgumentException with a message saying what is wrong
     */
    public static MethodPattern parse(String text) {
        int hash = text.indexOf('#');
        if (hash <= 0 || hash != text.lastIndexOf('#') || hash == text.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not of the form "
                    + "com.acme.Mailer#send or com.acme.Mailer#*");
        }
        String type = text.substring(0, hash).trim();
        String method = text.substring(hash + 1).trim();
        if (!isQualifiedName(type)) {
            throw new IllegalArgumentException("'" + type + "' is not a fully qualified class name"
                    + " (use $ for nested classes: com.acme.Outer$Inner)");
        }
        if (!method.equals("*") && !isIdentifier(method)) {
            throw new IllegalArgumentException("'" + method + "' is not a method name or *");
        }
        if (method.equals("<init>") || method.equals("<clinit>")) {
            throw new IllegalArgumentException("constructors cannot be metered");
        }
        return new MethodPattern(type, method.equals("*") ? null : method);
    }

    private static boolean isQualifiedName(String name) {
        if (name.isEmpty() || name.startsWith(".") || name.endsWith(".") || name.contains("..")) {
            return false;
        }
        for (String part : name.split("\\.")) {
            if (!isIdentifier(part)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isIdentifier(String s) {
        if (s.isEmpty() || !Character.isJavaIdentifierStart(s.charAt(0))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            if (!Character.isJavaIdentifierPart(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** The binary class name, e.g. {@code com.acme.Mailer}. */
    public String className() {
        return className;
    }

    /** The class name in the JVM's internal form, e.g. {@code com/acme/Mailer}. */
    public String internalClassName() {
        return className.replace('.', '/');
    }

    /** The method name, or null when every public method matches ({@code #*}). */
    public String methodName() {
        return methodName;
    }

    public boolean matchesEveryMethod() {
        return methodName == null;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof MethodPattern)) {
            return false;
        }
        MethodPattern that = (MethodPattern) o;
        return className.equals(that.className) && Objects.equals(methodName, that.methodName);
    }

    @Override
    public int hashCode() {
        return Objects.hash(className, methodName);
    }

    @Override
    public String toString() {
        return className + '#' + (methodName == null ? "*" : methodName);
    }
}
