package dev.odometer.agent.delivery;

/**
 * What this process is for delivery: alone (it sends what it seals), or one node of a cluster,
 * which sends only while it holds the delivery lease. Read by the MBean and the summary line.
 */
public interface NodeRole {
    /** A process without {@code cluster:}: it delivers its own records. */
    NodeRole ALONE = new NodeRole() {
        @Override
        public boolean delivers() {
            return true;
        }

        @Override
        public String describe() {
            return "delivers its own records (no cluster)";
        }
    };

    /** Whether this process sends to the marketplace now. */
    boolean delivers();

    /** One line: e.g. "node web-1 delivers for the cluster" or "node web-2 forwards; web-1 delivers". */
    String describe();
}
