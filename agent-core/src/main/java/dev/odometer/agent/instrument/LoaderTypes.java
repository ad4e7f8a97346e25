package dev.odometer.agent.instrument;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the agent has learnt about the types of one class loader: the pre-filter's answers by
 * type name, and the class-file models of the types that may be metered (few), which the planner
 * uses instead of reading their class files again. Two loaders may define different classes of
 * one name (web apps in one container, a dev-tools restart loader), so nothing is shared.
 */
final class LoaderTypes {
    /** Bounds memory in a host that loads classes without end (generated classes). */
    private static final int LIMIT = 200_000;

    private final Map<String, Boolean> answers = new ConcurrentHashMap<>();
    private final Map<String, TypeModel> models = new ConcurrentHashMap<>();

    Boolean answer(String internalName) {
        return answers.get(internalName);
    }

    void remember(String internalName, boolean meterable) {
        if (answers.size() >= LIMIT) {
            answers.clear();
        }
        answers.put(internalName, meterable);
    }

    TypeModel model(String internalName) {
        return models.get(internalName);
    }

    void rememberModel(TypeModel model) {
        if (models.size() >= LIMIT) {
            models.clear();
        }
        models.put(model.name, model);
    }
}
