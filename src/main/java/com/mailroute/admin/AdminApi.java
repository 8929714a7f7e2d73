package com.mailroute.admin;

import com.mailroute.spool.MessageBytes;
import org.apache.camel.support.SynchronizationAdapter;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.mailroute.failure.DeadLetter;
import com.mailroute.failure.DeadLetterStore;
import org.apache.camel.Exchange;

/** The operator's HTTP API over the dead letters and the queue (routes/admin.camel.yaml). */
public final class AdminApi {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(AdminApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final DeadLetterStore deadLetters;
    private final QueueStats stats;
    private final Clock clock;

    public AdminApi(DeadLetterStore deadLetters, QueueStats stats, Clock clock) {
        this.deadLetters = deadLetters;
        this.stats = stats;
        this.clock = clock;
    }

    public void listDeadLetters(Exchange e) {
        json(e, 200, deadLetters.list().stream().map(DeadLetter::toJson).toList());
    }

    public void deadLetterMessage(Exchange e) {
        Optional<DeadLetter> dl = find(e);
        if (dl.isPresent()) {
            e.getMessage().getHeaders().clear();
            e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
            e.getMessage().setHeader(Exchange.CONTENT_TYPE, "message/rfc822");
            MessageBytes message = dl.get().job().message();
            // A large one is streamed from its spool file, which goes once the response is written.
            e.getMessage().setBody(message.inHeap() ? message.toByteArray() : message.open());
            e.getExchangeExtension().addOnCompletion(new SynchronizationAdapter() {
                @Override
                public void onDone(Exchange done) {
                    message.release();
                }
            });
        }
    }

    public void retryDeadLetter(Exchange e) {
        String id = id(e);
        if (valid(e, id)) {
            reply(e, deadLetters.retry(id, clock.instant()), "retried");
        }
    }

    public void deleteDeadLetter(Exchange e) {
        String id = id(e);
        if (valid(e, id)) {
            reply(e, deadLetters.delete(id), "deleted");
        }
    }

    /** The broker (or another dependency) failed: a quick 503 the client can retry, one log line for the operator. */
    public void unavailable(Exchange e) {
        Exception ex = e.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        LOG.error("API request {} {} failed: {}", e.getMessage().getHeader(Exchange.HTTP_METHOD), e.getMessage().getHeader(Exchange.HTTP_PATH),
                ex == null ? "unknown error" : ex.getMessage());
        json(e, 503, Map.of("error", "unavailable, try again: " + (ex == null ? "unknown error" : ex.getMessage())));
    }

    public void queue(Exchange e) {
        json(e, 200, stats.snapshot());
    }

    private Optional<DeadLetter> find(Exchange e) {
        String id = id(e);
        if (!valid(e, id)) {
            return Optional.empty();
        }
        Optional<DeadLetter> dl = deadLetters.find(id);
        if (dl.isEmpty()) {
            json(e, 404, Map.of("error", "no dead letter with id " + id));
        }
        return dl;
    }

    private void reply(Exchange e, java.util.List<DeadLetter> done, String what) {
        if (done.isEmpty()) {
            json(e, 404, Map.of("error", "no dead letter with id " + id(e)));
        } else {
            // One dead letter by its own id; every dead letter of a message by its queue id.
            json(e, 200, Map.of("id", done.get(0).id(), "status", what, "ids", done.stream().map(DeadLetter::id).toList()));
        }
    }

    private boolean valid(Exchange e, String id) {
        if (id == null || !id.matches("[A-Za-z0-9.\\-]{1,100}")) {
            json(e, 400, Map.of("error", "'" + id + "' is not a dead letter id"));
            return false;
        }
        return true;
    }

    private static String id(Exchange e) {
        return e.getMessage().getHeader("id", String.class);
    }

    static void json(Exchange e, int status, Object body) {
        e.getMessage().getHeaders().clear();
        e.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        e.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        try {
            e.getMessage().setBody(JSON.writeValueAsString(body));
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }
}
