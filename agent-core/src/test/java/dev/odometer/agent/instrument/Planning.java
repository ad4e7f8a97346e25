package dev.odometer.agent.instrument;

import dev.odometer.agent.config.MethodPattern;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Test helper: the pre-filter and planner as the agent sets them up, over test classes. */
final class Planning {
    final ClassLoader loader = Planning.class.getClassLoader();
    final KnownTypes known = new KnownTypes();
    final MeterableTypeFilter filter;
    final MeteringPlanner planner;

    Planning(Map<String, Integer> slots, Map<String, List<MethodPattern>> listed) {
        Set<String> listedTypes = new HashSet<>();
        listed.values().forEach(patterns -> patterns.forEach(
                p -> listedTypes.add(p.internalClassName())));
        filter = new MeterableTypeFilter(listedTypes, known);
        planner = new MeteringPlanner(slots, listed, "test.yaml", filter, known);
    }

    /** Slots w0..w9 at 200..209 and g at 210, no listed methods. */
    static Planning annotationsOnly() {
        return new Planning(slots(), Collections.emptyMap());
    }

    static Map<String, Integer> slots() {
        Map<String, Integer> slots = new LinkedHashMap<>();
        for (int i = 0; i < 10; i++) {
            slots.put("w" + i, 200 + i);
        }
        slots.put("g", 210);
        slots.put("listed", 211);
        return slots;
    }

    Map<String, MeteredMethod> plan(Class<?> type) {
        TypeModel model = filter.candidate(loader, bytes(type), null);
        return model == null ? Collections.emptyMap() : planner.plan(loader, model);
    }

    static byte[] bytes(Class<?> type) {
        String resource = type.getName().replace('.', '/') + ".class";
        try (InputStream in = type.getClassLoader().getResourceAsStream(resource)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
