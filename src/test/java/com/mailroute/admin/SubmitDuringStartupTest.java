package com.mailroute.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import com.mailroute.testsupport.RecordingSmtpServer;
import com.mailroute.testsupport.RelayUnderTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that submits while the relay starts must never be told 404 (which it may take as final and drop the
 * mail): from the moment the HTTP port accepts connections until the submit route runs, the answer is 503 with
 * Retry-After, and nothing is accepted twice or lost.
 */
class SubmitDuringStartupTest {

    @TempDir
    Path data;

    @Test
    void postsWhileTheRelayStartsShouldGet503WithRetryAfterUntilThe202NeverA404() throws Exception {
        try (RecordingSmtpServer smtp = new RecordingSmtpServer();
             RelayUnderTest relay = new RelayUnderTest(data, Map.of("mailroute.relayhost", smtp.hostPort()))) {
            URI uri = URI.create("http://127.0.0.1:" + relay.setting("mailroute.http.port")
                    + "/api/messages?from=app@example.com&to=dylan@example.org");
            HttpRequest post = HttpRequest.newBuilder(uri).header("Content-Type", "message/rfc822").timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString("From: app@example.com\r\nSubject: during startup\r\n\r\nx\r\n")).build();
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

            CompletableFuture<Void> starting = CompletableFuture.runAsync(relay::start);
            List<HttpResponse<String>> answers = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (System.nanoTime() < deadline) {
                HttpResponse<String> r;
                try {
                    r = client.send(post, HttpResponse.BodyHandlers.ofString());
                } catch (ConnectException notListeningYet) {
                    continue;
                } catch (IOException e) {
                    continue; // a connection cut while the server comes up is a retry for a client, not an answer
                }
                answers.add(r);
                if (r.statusCode() == 202) {
                    break;
                }
            }
            starting.join();

            assertThat(answers).isNotEmpty();
            HttpResponse<String> last = answers.get(answers.size() - 1);
            assertThat(last.statusCode()).as("the last answer, after %d", answers.size() - 1).isEqualTo(202);
            List<HttpResponse<String>> before = answers.subList(0, answers.size() - 1);
            assertThat(before).allSatisfy(r -> {
                assertThat(r.statusCode()).as("answer while starting: %s", r.body()).isEqualTo(503);
                assertThat(r.headers().firstValue("Retry-After")).hasValue("5");
                assertThat(r.body()).contains("try again");
            });
            // The window exists (the port opens before the routes run), so the loop must have met it.
            assertThat(before).as("503 answers before the route ran").isNotEmpty();
            await().atMost(Duration.ofSeconds(30)).until(() -> !smtp.received().isEmpty());
            Thread.sleep(500);
            assertThat(smtp.received()).hasSize(1);
            assertThat(smtp.received().get(0).text()).contains("Subject: during startup");
        }
    }
}
