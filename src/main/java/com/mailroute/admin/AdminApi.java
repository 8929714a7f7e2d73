package com.mailroute.admin;

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
            e.getMessage().setBody(dl.get().job().message());
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

    private void reply(Exchange e, Optional<DeadLetter> dl, String what) {
        if (dl.isEmpty()) {
            json(e, 404, Map.of("error", "no dead letter with id " + id(e)));
        } else {
            json(e, 200, Map.of("id", dl.get().id(), "status", what));
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
