import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.jms.BytesMessage;
import jakarta.jms.Connection;
import jakarta.jms.DeliveryMode;
import jakarta.jms.MessageProducer;
import jakarta.jms.Session;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * The benchmark's submitting client: N copies of one message file to MailRoute over HTTP (keep-alive connections,
 * CONC at a time) or JMS (a persistent send per message, CONC sessions), optionally paced to RATE msg/s.
 * Prints one line: "sent=N ok=N failed=N seconds=S p50=MS p99=MS" (accept latency: request sent to 202 / broker ack).
 *
 *   java -cp 'target/lib/*' bench/LoadClient.java http http://127.0.0.1:8080 FILE N CONC [RATE]
 *   java -cp 'target/lib/*' bench/LoadClient.java jms tcp://127.0.0.1:61616 FILE N CONC [RATE]
 *   java -cp 'target/lib/*' bench/LoadClient.java serve      (one run per line of standard input, same arguments)
 *
 * The benchmark uses "serve": one client JVM for the whole run, warmed up with the relay, as an application that
 * submits mail is a long-running process too (a new JVM per run would charge its start and JIT to every figure).
 *
 * Recipients are sink1@d1.example … spread over 50 domains, so per-domain limits apply as they would in real traffic.
 */
public class LoadClient {
    public static void main(String[] args) throws Exception {
        if (args[0].equals("serve")) {
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(System.in));
            for (String line; (line = in.readLine()) != null; ) {
                if (!line.isBlank()) {
                    System.out.println(run(line.trim().split("\\s+")));
                }
            }
        } else {
            System.out.println(run(args));
        }
        System.exit(0);
    }

    private static String run(String[] args) throws Exception {
        String way = args[0];
        String target = args[1];
        byte[] body = Files.readAllBytes(Path.of(args[2]));
        int n = Integer.parseInt(args[3]);
        int conc = Integer.parseInt(args[4]);
        double rate = args.length > 5 ? Double.parseDouble(args[5]) : 0;
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong firstError = new AtomicLong();
        long start = System.nanoTime();
        ExecutorService pool = Executors.newFixedThreadPool(conc);
        ExecutorService httpThreads = Executors.newFixedThreadPool(2);
        HttpClient http = way.equals("http") ? HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).executor(httpThreads).build() : null;
        ActiveMQConnectionFactory jms = way.equals("jms") ? new ActiveMQConnectionFactory(target) : null;
        for (int t = 0; t < conc; t++) {
            pool.submit(() -> {
                try (Connection c = jms == null ? null : jms.createConnection();
                     Session s = c == null ? null : c.createSession(false, Session.AUTO_ACKNOWLEDGE);
                     MessageProducer p = s == null ? null : s.createProducer(s.createQueue("mailroute.submit"))) {
                    if (p != null) {
                        p.setDeliveryMode(DeliveryMode.PERSISTENT);
                    }
                    int i;
                    while ((i = next.getAndIncrement()) < n) {
                        if (rate > 0) {
                            long due = start + (long) (i * 1e9 / rate);
                            long wait = due - System.nanoTime();
                            if (wait > 0) {
                                TimeUnit.NANOSECONDS.sleep(wait);
                            }
                        }
                        String rcpt = "sink" + i + "@d" + (i % 50) + ".example";
                        long t0 = System.nanoTime();
                        boolean ok;
                        if (http != null) {
                            HttpRequest req = HttpRequest.newBuilder(URI.create(target + "/api/messages?from=bench@example.com&to=" + rcpt))
                                    .header("Content-Type", "message/rfc822").timeout(Duration.ofSeconds(60))
                                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
                            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                            ok = r.statusCode() == 202;
                            if (!ok && firstError.compareAndSet(0, 1)) {
                                System.err.println("first failure: HTTP " + r.statusCode() + " " + r.body());
                            }
                        } else {
                            BytesMessage m = s.createBytesMessage();
                            m.writeBytes(body);
                            m.setStringProperty("MailFrom", "bench@example.com");
                            m.setStringProperty("RcptTo", rcpt);
                            p.send(m);
                            ok = true;
                        }
                        latencies.add(System.nanoTime() - t0);
                        if (!ok) {
                            failed.incrementAndGet();
                        }
                    }
                } catch (IOException | InterruptedException | jakarta.jms.JMSException e) {
                    System.err.println("client error: " + e);
                    failed.incrementAndGet();
                }
                return null;
            });
        }
        pool.shutdown();
        pool.awaitTermination(1, TimeUnit.HOURS);
        httpThreads.shutdown();
        if (jms != null) {
            jms.close();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        return String.format("sent=%d ok=%d failed=%d seconds=%.2f p50=%.1f p99=%.1f", sorted.size(), sorted.size() - failed.get(),
                failed.get(), seconds, pct(sorted, 0.50), pct(sorted, 0.99));
    }

    private static double pct(List<Long> sorted, double p) {
        return sorted.isEmpty() ? 0 : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p * sorted.size()) - 1)) / 1e6;
    }
}
