package com.mailroute.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;

import com.mailroute.settings.Settings;
import com.mailroute.testsupport.RelayUnderTest;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A second MailRoute on the same data folder stops with one line naming mailroute.data.dir, not a hang on the journal. */
class DataDirLockTest {

    @TempDir
    Path data;

    @Test
    void aSecondRelayOnTheSameDataFolderShouldBeRefusedNamingTheSetting() {
        try (RelayUnderTest first = new RelayUnderTest(data, Map.of()).start();
             RelayUnderTest second = new RelayUnderTest(data, Map.of())) {
            assertThatThrownBy(second::start).rootCause()
                    .asInstanceOf(InstanceOfAssertFactories.type(Settings.SettingsException.class))
                    .satisfies(e -> assertThat(e.getMessage()).contains("mailroute.data.dir").contains("in use by another running MailRoute"));
            assertThat(first.get("/observe/health").statusCode()).isEqualTo(200);
        }
    }
}
