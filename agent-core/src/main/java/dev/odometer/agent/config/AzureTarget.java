package dev.odometer.agent.config;

/** What Azure usage is reported against: a SaaS subscription or a managed app, and a plan. */
public final class AzureTarget {
    private final String resourceId;
    private final String resourceUri;
    private final String planId;

    AzureTarget(String resourceId, String resourceUri, String planId) {
        this.resourceId = resourceId;
        this.resourceUri = resourceUri;
        this.planId = planId;
    }

    /** The SaaS subscription id ({@code resource_id}), or null for a managed app. */
    public String resourceId() {
        return resourceId;
    }

    /** The managed application's resource URI ({@code resource_uri}), or null. */
    public String resourceUri() {
        return resourceUri;
    }

    public String planId() {
        return planId;
    }
}
