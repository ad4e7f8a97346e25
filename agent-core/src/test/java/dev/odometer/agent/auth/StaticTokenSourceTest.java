package dev.odometer.agent.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StaticTokenSourceTest {

    @Test
    void givesTheTokenTrimmedAndNeverPrintsIt() {
        StaticTokenSource source = new StaticTokenSource("  t1.static-secret \n", "token_env X");

        assertThat(source.token()).isEqualTo("t1.static-secret");
        source.invalidate();
        assertThat(source.token()).isEqualTo("t1.static-secret");
        assertThat(source.describe()).contains("token_env X").doesNotContain("static-secret");
        assertThat(source.toString()).doesNotContain("static-secret");
    }

    @Test
    void refusesEmptyOrHeaderBreakingTokensWithoutRepeatingThem() {
        assertThatThrownBy(() -> new StaticTokenSource("  ", "config token"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> new StaticTokenSource("static-secret\r\nX: y", "config token"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("config token")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("static-secret"));
    }

    @Test
    void secretIsRedacted() {
        Secret secret = Secret.of("hush");

        assertThat(secret.reveal()).isEqualTo("hush");
        assertThat(secret.toString()).isEqualTo("Secret[redacted]");
        assertThat(secret.isIn("a hush b")).isTrue();
        assertThat(secret.isIn("quiet")).isFalse();
    }
}
