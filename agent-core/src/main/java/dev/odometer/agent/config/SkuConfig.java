package dev.odometer.agent.config;

import java.util.List;

/** One entry under {@code skus:}: an alias, the marketplace id it bills, and listed methods. */
public final class SkuConfig {
    private final String alias;
    private final String skuId;
    private final List<MethodPattern> methods;

    SkuConfig(String alias, String skuId, List<MethodPattern> methods) {
        this.alias = alias;
        this.skuId = skuId;
        this.methods = List.copyOf(methods);
    }

    /** The key under {@code skus:}, which {@code @Metered("alias")} names. */
    public String alias() {
        return alias;
    }

    /** The marketplace SKU id the units are billed to. */
    public String skuId() {
        return skuId;
    }

    /** Methods metered for this SKU without an annotation. */
    public List<MethodPattern> methods() {
        return methods;
    }

    @Override
    public String toString() {
        return alias + " -> " + skuId + (methods.isEmpty() ? "" : " " + methods);
    }
}
