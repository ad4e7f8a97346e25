package dev.odometer.agent.instrument;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generic signatures (JVMS 4.7.9.1) read just far enough to match methods by signature with
 * generics resolved, as the JVM's overriding and javac's bridges do: a type variable is replaced
 * by the erasure of what the subtype binds it to (so {@code Sender<T>.send(T)} seen from
 * {@code implements Sender<String>} is {@code send(String)}), or by the erasure of its bound.
 *
 * <p>Bindings map a type variable's name to an erased field descriptor ({@code Ljava/lang/String;},
 * {@code [I}); nothing here loads a class.
 */
final class Signatures {
    static final String OBJECT = "Ljava/lang/Object;";

    private Signatures() {
    }

    /**
     * The bindings of a type's own type variables: each bound to what {@code actual} gives it
     * (positionally), else to the erasure of its bound.
     *
     * @param actual erasures of the type arguments a subtype gives, or null (none, raw)
     */
    static Map<String, String> bindingsOf(TypeModel type, List<String> actual) {
        if (type.signature == null || type.signature.charAt(0) != '<') {
            return Collections.emptyMap();
        }
        Map<String, String> bindings = new HashMap<>();
        Parser parser = new Parser(type.signature);
        int index = 0;
        for (Map.Entry<String, String> formal : parser.formals().entrySet()) {
            String given = actual != null && index < actual.size() ? actual.get(index) : null;
            bindings.put(formal.getKey(), given != null ? given
                    : new Parser(formal.getValue()).erasure(bindings));
            index++;
        }
        return bindings;
    }

    /**
     * The erasures of the type arguments {@code type} gives each of its direct supertypes, by
     * supertype name, under {@code bindings} of its own type variables. A supertype given no
     * arguments maps to null.
     */
    static Map<String, List<String>> supertypeArguments(TypeModel type,
                                                        Map<String, String> bindings) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        if (type.signature == null) {
            return result;
        }
        Parser parser = new Parser(type.signature);
        parser.formals();
        while (!parser.atEnd()) {
            List<String> arguments = new ArrayList<>();
            String erasure = parser.classType(bindings, arguments);
            result.put(erasure.substring(1, erasure.length() - 1),
                    arguments.isEmpty() ? null : arguments);
        }
        return result;
    }

    /**
     * The method's parameter list as an erased descriptor ({@code (Ljava/lang/String;I)}) with
     * the declaring type's variables resolved by {@code bindings}; the plain descriptor's
     * parameters when the method has no generic signature.
     */
    static String erasedParameters(TypeModel.MethodModel method, Map<String, String> bindings) {
        if (method.signature == null || bindings.isEmpty() && method.signature.charAt(0) != '<') {
            return method.descriptor.substring(0, method.descriptor.indexOf(')') + 1);
        }
        Parser parser = new Parser(method.signature);
        Map<String, String> scope = bindings;
        if (parser.peek() == '<') {
            // a generic method's own variables shadow the type's
            scope = new HashMap<>(bindings);
            for (Map.Entry<String, String> formal : parser.formals().entrySet()) {
                scope.put(formal.getKey(), new Parser(formal.getValue()).erasure(scope));
            }
        }
        StringBuilder erased = new StringBuilder("(");
        parser.expect('(');
        while (parser.peek() != ')') {
            erased.append(parser.erasure(scope));
        }
        return erased.append(')').toString();
    }

    /** Reads one signature string. */
    private static final class Parser {
        private final String text;
        private int pos;

        Parser(String text) {
            this.text = text;
        }

        boolean atEnd() {
            return pos >= text.length();
        }

        char peek() {
            return text.charAt(pos);
        }

        void expect(char c) {
            if (text.charAt(pos++) != c) {
                throw new IllegalArgumentException("bad signature " + text);
            }
        }

        /** Formal type parameters: name to the signature of its first bound. */
        Map<String, String> formals() {
            Map<String, String> formals = new LinkedHashMap<>();
            if (atEnd() || peek() != '<') {
                return formals;
            }
            pos++;
            while (peek() != '>') {
                int colon = text.indexOf(':', pos);
                String name = text.substring(pos, colon);
                pos = colon + 1;
                String firstBound = null;
                if (peek() != ':') {
                    int start = pos;
                    skipType();
                    firstBound = text.substring(start, pos);
                }
                while (peek() == ':') {
                    pos++;
                    int start = pos;
                    skipType();
                    if (firstBound == null) {
                        firstBound = text.substring(start, pos);
                    }
                }
                formals.put(name, firstBound == null ? OBJECT : firstBound);
            }
            pos++;
            return formals;
        }

        /** The erased field descriptor of the type signature at the current position. */
        String erasure(Map<String, String> bindings) {
            char c = peek();
            switch (c) {
                case '[':
                    pos++;
                    return "[" + erasure(bindings);
                case 'T': {
                    int end = text.indexOf(';', pos);
                    String variable = text.substring(pos + 1, end);
                    pos = end + 1;
                    String bound = bindings.get(variable);
                    return bound == null ? OBJECT : bound;
                }
                case 'L':
                    return classType(bindings, null);
                default:
                    pos++;
                    return String.valueOf(c);
            }
        }

        /**
         * A class type signature's erasure; the erasures of its (innermost) type arguments go
         * to {@code arguments} when given.
         */
        String classType(Map<String, String> bindings, List<String> arguments) {
            expect('L');
            StringBuilder name = new StringBuilder("L");
            while (true) {
                char c = text.charAt(pos++);
                if (c == ';') {
                    return name.append(';').toString();
                } else if (c == '.') {
                    name.append('$');
                    if (arguments != null) {
                        arguments.clear();
                    }
                } else if (c == '<') {
                    while (peek() != '>') {
                        String argument = typeArgument(bindings);
                        if (arguments != null) {
                            arguments.add(argument);
                        }
                    }
                    pos++;
                } else {
                    name.append(c);
                }
            }
        }

        private String typeArgument(Map<String, String> bindings) {
            char c = peek();
            if (c == '*') {
                pos++;
                return null;
            }
            if (c == '+' || c == '-') {
                pos++;
                String bound = erasure(bindings);
                return c == '+' ? bound : null;
            }
            return erasure(bindings);
        }

        private void skipType() {
            erasure(Collections.emptyMap());
        }
    }
}
