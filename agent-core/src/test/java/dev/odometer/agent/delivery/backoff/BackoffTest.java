package dev.odometer.agent.delivery.backoff;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.odometer.agent.delivery.backoff.Backoff.Jitter;
import dev.odometer.agent.marketplace.DeliveryException;
import dev.odometer.agent.marketplace.DeliveryException.Kind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class BackoffTest {
    private static final Duration SECOND = Duration.ofSeconds(1);
    private static final Duration FIVE_MINUTES = Duration.ofMinutes(5);

    /** A Random that always answers the same fraction, to pin the jitter to its bounds. */
    private static Random fixed(double fraction) {
        return new Random() {
            private static final long serialVersionUID = 1L;

            @Override
            public double nextDouble() {
                return fraction;
            }
        };
    }

    private static Backoff backoff(Jitter jitter, Random random) {
        return Backoff.builder().jitter(jitter).random(random).build();
    }

    private static List<Duration> delays(Backoff backoff, int n) {
        List<Duration> delays = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            delays.add(backoff.nextDelay(Optional.empty()));
        }
        return delays;
    }

    @Test
    void fullJitterCeilingDoublesFromOneSecondUpToTheCap() {
        List<Duration> upper = delays(backoff(Jitter.FULL, fixed(0.999_999)), 12);

        assertThat(upper.subList(0, 5)).extracting(Duration::toMillis)
                .containsExactly(999L, 1999L, 3999L, 7999L, 15999L);
        assertThat(upper.get(11)).isLessThanOrEqualTo(FIVE_MINUTES)
                .isGreaterThan(FIVE_MINUTES.minusSeconds(1));
        assertThat(delays(backoff(Jitter.FULL, fixed(0)), 5)).containsOnly(Duration.ZERO);
    }

    @Test
    void decorrelatedJitterGrowsUpToThreeTimesThePreviousAndIsCapped() {
        List<Duration> upper = delays(backoff(Jitter.DECORRELATED, fixed(0.999_999)), 10);

        assertThat(upper.subList(0, 4)).extracting(d -> Math.round(d.toMillis() / 1000.0))
                .containsExactly(3L, 9L, 27L, 81L);
        assertThat(upper.get(9)).isBetween(FIVE_MINUTES.minusSeconds(1), FIVE_MINUTES);
        assertThat(delays(backoff(Jitter.DECORRELATED, fixed(0)), 5)).containsOnly(SECOND);
    }

    @ParameterizedTest
    @EnumSource(Jitter.class)
    void randomDelaysStayWithinBoundsAndSpread(Jitter jitter) {
        Backoff backoff = backoff(jitter, new Random(42));
        List<Duration> delays = delays(backoff, 200);

        assertThat(delays).allSatisfy(d -> assertThat(d).isBetween(Duration.ZERO, FIVE_MINUTES));
        if (jitter == Jitter.DECORRELATED) {
            assertThat(delays).allSatisfy(d -> assertThat(d).isGreaterThanOrEqualTo(SECOND));
        }
        assertThat(delays.stream().distinct().count()).as("jittered").isGreaterThan(100);
    }

    @Test
    void retryAfterIsHonouredButAbsurdValuesAreClamped() {
        Backoff backoff = backoff(Jitter.DECORRELATED, fixed(0));

        assertThat(backoff.nextDelay(Optional.of(Duration.ofSeconds(90))))
                .isEqualTo(Duration.ofSeconds(90));
        assertThat(backoff.nextDelay(Optional.of(Duration.ofMillis(10)))).isEqualTo(SECOND);
        assertThat(backoff.nextDelay(Optional.of(Duration.ofDays(30))))
                .isEqualTo(Duration.ofHours(1));
        assertThat(backoff.nextDelay(Optional.of(Duration.ofSeconds(-5)))).isEqualTo(SECOND);
    }

    @Test
    void resetStartsOverFromTheBase() {
        Backoff backoff = backoff(Jitter.DECORRELATED, fixed(0.999_999));
        delays(backoff, 6);
        assertThat(backoff.failures()).isEqualTo(6);

        backoff.reset();

        assertThat(backoff.failures()).isZero();
        assertThat(Math.round(backoff.nextDelay(Optional.empty()).toMillis() / 1000.0))
                .isEqualTo(3L);
    }

    @Test
    void forbiddenAndUnauthorizedBackOffToAtMostAMinute() {
        // a person restores a role or a billing account: billing must resume within a minute
        Backoff high = backoff(Jitter.DECORRELATED, fixed(0.999_999));
        List<Duration> delays = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            delays.add(high.nextDelay(failure(i % 2 == 0 ? Kind.FORBIDDEN : Kind.UNAUTHORIZED,
                    null)));
        }

        assertThat(delays).allSatisfy(d -> assertThat(d).isLessThanOrEqualTo(Duration.ofMinutes(1)));
        assertThat(delays.get(0)).isLessThanOrEqualTo(SECOND);
        assertThat(delays).isSorted();
        assertThat(delays.get(11)).isGreaterThan(Duration.ofSeconds(59));
        Backoff low = backoff(Jitter.DECORRELATED, fixed(0));
        assertThat(low.nextDelay(failure(Kind.FORBIDDEN, null))).isEqualTo(Duration.ofMillis(500));
        assertThat(low.nextDelay(failure(Kind.FORBIDDEN, Duration.ofMinutes(20))))
                .as("a Retry-After on a 403 is clamped to the minute").isEqualTo(Duration.ofMinutes(1));
    }

    @Test
    void otherFailuresBackOffExponentiallyWithTheirRetryAfter() {
        Backoff backoff = backoff(Jitter.DECORRELATED, fixed(0));

        assertThat(backoff.nextDelay(failure(Kind.RETRYABLE, null))).isEqualTo(SECOND);
        assertThat(backoff.nextDelay(failure(Kind.RETRYABLE, Duration.ofSeconds(30))))
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.nextDelay(failure(Kind.AUTH_FAILED, null))).isEqualTo(SECOND);
    }

    @Test
    void settingsAreChecked() {
        assertThatThrownBy(() -> Backoff.builder().base(Duration.ofMinutes(10)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cap");
        assertThatThrownBy(() -> Backoff.builder().base(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Backoff.builder()
                .waitingForAPerson(Duration.ofMinutes(15), Duration.ofMinutes(5)).build())
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static DeliveryException failure(Kind kind, Duration retryAfter) {
        return new DeliveryException(kind, "test", false, retryAfter, 0, null);
    }
}
