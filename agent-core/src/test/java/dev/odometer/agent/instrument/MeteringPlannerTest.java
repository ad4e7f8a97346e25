package dev.odometer.agent.instrument;

import static org.assertj.core.api.Assertions.assertThat;

import com.acme.weaving.Generic;
import com.acme.weaving.Shapes;
import dev.odometer.agent.config.MethodPattern;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MeteringPlannerTest {
    @Test
    void annotatedMethodsWithModesQuantitiesAndAsyncResults() {
        Map<String, MeteredMethod> plan = Planning.annotationsOnly().plan(Shapes.class);

        assertThat(plan).doesNotContainKey("plain(I)I").doesNotContainKey("<init>()V");
        assertThat(plan.get("returnsInt(I)I").slot).isEqualTo(200);
        assertThat(plan.get("countsFailures(Z)I").mode).isEqualTo(CountMode.FAILURE);
        assertThat(plan.get("countsAlways(I)Ljava/lang/String;").mode).isEqualTo(CountMode.ALWAYS);
        assertThat(plan.get("sendAll(Ljava/util/Collection;)I").quantityIndex).isZero();
        assertThat(plan.get("useShort(Ljava/lang/String;S)V").quantityIndex).isEqualTo(1);
        assertThat(plan.get("useList(DLjava/util/List;J)V").quantityIndex).isEqualTo(1);
        assertThat(plan.get("useMap(Ljava/util/Map;)V").quantityIndex).isZero();
        assertThat(plan.get("async(Ljava/util/concurrent/CompletableFuture;)"
                + "Ljava/util/concurrent/CompletableFuture;").async).isTrue();
        assertThat(plan.get("returnsObject(Ljava/lang/String;)Ljava/lang/String;").async)
                .isFalse();
    }

    @Test
    void annotationOnAGenericInterfaceMatchesTheResolvedSignature() {
        Map<String, MeteredMethod> plan = Planning.annotationsOnly()
                .plan(Generic.StringSender.class);

        // send(T) with T = String, and the List<T> quantity read from the implementation
        assertThat(plan).containsOnlyKeys("send(Ljava/lang/String;)V",
                "sendAll(Ljava/util/List;)V");
        assertThat(plan.get("send(Ljava/lang/String;)V").origin)
                .isEqualTo("@Metered inherited from com.acme.weaving.Generic$Sender");
        assertThat(plan.get("sendAll(Ljava/util/List;)V").quantityIndex).isZero();
    }

    @Test
    void typeVariablesPassedThroughASuperclassAndRawTypes() {
        Planning planning = Planning.annotationsOnly();

        assertThat(planning.plan(Generic.IntegerSender.class))
                .containsOnlyKeys("send(Ljava/lang/Integer;)V", "sendAll(Ljava/util/List;)V");
        assertThat(planning.plan(Generic.RawSender.class))
                .containsOnlyKeys("send(Ljava/lang/Object;)V", "sendAll(Ljava/util/List;)V");
    }

    @Test
    void bridgesAreNeverPlannedAndCovariantOverridesAre() {
        Map<String, MeteredMethod> plan = Planning.annotationsOnly()
                .plan(Generic.StringFactory.class);

        // the bridge make()Object that javac added stays as it is
        assertThat(plan).containsOnlyKeys("make()Ljava/lang/String;",
                "later()Ljava/util/concurrent/CompletableFuture;");
        assertThat(plan.get("later()Ljava/util/concurrent/CompletableFuture;").async).isTrue();
    }

    @Test
    void listedClassesMatchTheirSubclasses() {
        Planning planning = new Planning(Planning.slots(), Map.of("listed",
                List.of(MethodPattern.parse("com.acme.weaving.Generic$Listed#*"))));

        assertThat(planning.plan(Generic.Listed.class)).containsOnlyKeys("listedPublic()V");
        // every public method of the listed class: in a subclass, the ones it overrides
        assertThat(planning.plan(Generic.ListedChild.class)).containsOnlyKeys("listedPublic()V");
        assertThat(planning.plan(Generic.ListedChild.class).get("listedPublic()V").origin)
                .isEqualTo("test.yaml skus.listed.methods: com.acme.weaving.Generic$Listed#*");
    }

    @Test
    void classesWithNothingToMeterAreRejectedByThePreFilter() {
        Planning planning = Planning.annotationsOnly();

        assertThat(planning.filter.mayBeMetered(planning.loader,
                Planning.bytes(MeteringPlannerTest.class))).isFalse();
        assertThat(planning.plan(Generic.Listed.class)).isEmpty();
    }
}
