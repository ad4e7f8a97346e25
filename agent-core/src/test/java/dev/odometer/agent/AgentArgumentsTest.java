package dev.odometer.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Paths;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentArgumentsTest {
    @Test
    void agentArgumentWinsOverEnvironment() {
        assertThat(AgentArguments.configPath("config=/a.yaml", Map.of("ODOMETER_CONFIG", "/b.yaml")))
                .isEqualTo(Paths.get("/a.yaml"));
    }

    @Test
    void environmentIsUsedWithoutAnArgument() {
        assertThat(AgentArguments.configPath(null, Map.of("ODOMETER_CONFIG", "/b.yaml")))
                .isEqualTo(Paths.get("/b.yaml"));
    }

    @Test
    void systemPropertyComesLast() {
        System.setProperty("odometer.config", "/c.yaml");
        try {
            assertThat(AgentArguments.configPath("", Map.of())).isEqualTo(Paths.get("/c.yaml"));
        } finally {
            System.clearProperty("odometer.config");
        }
        assertThat(AgentArguments.configPath(null, Map.of())).isNull();
    }

    @Test
    void readsOneKeyAmongSeveralAndAcceptsABarePath() {
        assertThat(AgentArguments.argument("debug=true,config=/x.yaml", "config")).isEqualTo("/x.yaml");
        assertThat(AgentArguments.argument("/bare.yaml", "config")).isEqualTo("/bare.yaml");
        assertThat(AgentArguments.argument("config=", "config")).isNull();
    }
}
