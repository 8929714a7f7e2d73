package com.mailroute.ingress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import com.mailroute.testsupport.RelayUnderTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The readLockMinAge option of the pickup route in routes/ingress.camel.yaml are what the pickup read lock uses. */
class PickupReadLockOptionsTest {

    @TempDir
    Path data;

    @Test
    void theMinimumAgeEditedInTheRouteFileShouldReachThePickupReadLock() throws Exception {
        Path routes = data.resolve("routes");
        Files.createDirectories(routes);
        for (String f : new String[] {"delivery.camel.yaml", "admin.camel.yaml", "housekeeping.camel.yaml"}) {
            Files.copy(Path.of("routes", f), routes.resolve(f));
        }
        String yaml = Files.readString(Path.of("routes", "ingress.camel.yaml"));
        String edited = yaml.replace("readLockMinAge: \"{{mailroute.pickup.min-age-ms}}\"", "readLockMinAge: 1234");
        assertThat(edited).contains("readLockMinAge: 1234");
        Files.writeString(routes.resolve("ingress.camel.yaml"), edited);

        try (RelayUnderTest relay = new RelayUnderTest(data.resolve("data"), Map.of("mailroute.routes.dir", routes.toString())).start()) {
            PickupReadLock lock = relay.camel().getRegistry().lookupByNameAndType("pickupReadLock", PickupReadLock.class);
            // applied when the consumer prepares its first poll
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(lock.getMinAge()).isEqualTo(1234));
        }
    }

    @Test
    void theShippedRouteFileShouldTakeTheMinimumAgeFromTheSetting() {
        try (RelayUnderTest relay = new RelayUnderTest(data, Map.of("mailroute.pickup.min-age-ms", "777")).start()) {
            PickupReadLock lock = relay.camel().getRegistry().lookupByNameAndType("pickupReadLock", PickupReadLock.class);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(lock.getMinAge()).isEqualTo(777));
        }
    }
}
