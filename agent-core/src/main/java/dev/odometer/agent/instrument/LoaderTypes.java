package dev.odometer.agent.instrument;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the agent has learnt about the types of one class loader: the pre-filter's answers by
 * type name (the many no's as compact hashes, {@link NameHashes}), and the class-file models of
 * the types that may be metered (few), which the planner uses instead of reading their class
 * files again. Two loaders may define different classes of
 * one name (web apps in one container, a dev-tools restart loader), so nothing is shared.
 */
final class LoaderTypes {
    /** Bounds memory in a host that loads classes without end (generated classes). */
    private static final int LIMIT = 200_000;

    /** The few types that may be metered, by name. */
    private final Map<String, Boolean> meterable = new ConcurrentHashMap<>();
    /** Every other type seen: most of what the host loads, so kept compact. */
    private final NameHashes notMeterable = new NameHashes();
    private final Map<String, TypeModel> models = new ConcurrentHashMap<>();

    Boolean answer(String internalName) {
        if (meterable.containsKey(internalName)) {
            return Boolean.TRUE;
        }
        return notMeterable.contains(internalName) ? Boolean.FALSE : null;
    }

    void remember(String internalName, boolean isMeterable) {
        if (isMeterable) {
            if (meterable.size() >= LIMIT) {
                meterable.clear();
            }
            meterable.put(internalName, Boolean.TRUE);
        } else {
            if (notMeterable.size() >= LIMIT) {
                notMeterable.clear();
            }
            notMeterable.add(internalName);
        }
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
