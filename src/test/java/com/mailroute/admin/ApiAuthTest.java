package com.mailroute.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.junit.jupiter.api.Test;

class ApiAuthTest {

    private static Exchange request(String authorization) {
        Exchange e = new DefaultExchange(new DefaultCamelContext());
        e.getMessage().setHeader(Exchange.HTTP_METHOD, "GET");
        e.getMessage().setHeader(Exchange.HTTP_URI, "/api/queue");
        if (authorization != null) {
            e.getMessage().setHeader("Authorization", authorization);
        }
        return e;
    }

    @Test
    void checkShouldLetEveryRequestThroughWithoutAConfiguredToken() {
        ApiAuth auth = new ApiAuth("");

        assertThatCode(() -> auth.check(request(null))).doesNotThrowAnyException();
        assertThatCode(() -> auth.check(request("Bearer anything"))).doesNotThrowAnyException();
    }

    @Test
    void checkShouldRefuseAMissingAuthorizationHeader() {
        assertThatThrownBy(() -> new ApiAuth("s3cret-token").check(request(null)))
                .isInstanceOf(ApiAuth.Unauthorized.class)
                .hasMessage("missing bearer token");
    }

    @Test
    void checkShouldRefuseAWrongToken() {
        ApiAuth auth = new ApiAuth("s3cret-token");

        assertThatThrownBy(() -> auth.check(request("Bearer s3cret-tokeN"))).isInstanceOf(ApiAuth.Unauthorized.class)
                .hasMessage("wrong bearer token");
        assertThatThrownBy(() -> auth.check(request("Bearer s3cret"))).isInstanceOf(ApiAuth.Unauthorized.class)
                .hasMessage("wrong bearer token");
        assertThatThrownBy(() -> auth.check(request("Bearer "))).isInstanceOf(ApiAuth.Unauthorized.class)
                .hasMessage("wrong bearer token");
    }

    @Test
    void checkShouldRefuseTheRightTokenInAnotherScheme() {
        ApiAuth auth = new ApiAuth("s3cret-token");

        assertThatThrownBy(() -> auth.check(request("Basic s3cret-token"))).isInstanceOf(ApiAuth.Unauthorized.class)
                .hasMessage("wrong bearer token");
        assertThatThrownBy(() -> auth.check(request("s3cret-token"))).isInstanceOf(ApiAuth.Unauthorized.class);
    }

    @Test
    void checkShouldAcceptTheRightToken() {
        ApiAuth auth = new ApiAuth("s3cret-token");
        Exchange e = request("Bearer s3cret-token");

        assertThatCode(() -> auth.check(e)).doesNotThrowAnyException();
        assertThat(e.getMessage().getHeader("Authorization")).isEqualTo("Bearer s3cret-token");
        assertThat(e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isNull();
    }

    @Test
    void checkShouldReadTheBearerSchemeCaseInsensitively() {
        // RFC 7235 section 2.1: the authentication scheme is a case-insensitive token.
        ApiAuth auth = new ApiAuth("s3cret-token");

        assertThatCode(() -> auth.check(request("bearer s3cret-token"))).doesNotThrowAnyException();
        assertThatCode(() -> auth.check(request("BEARER s3cret-token"))).doesNotThrowAnyException();
        assertThatThrownBy(() -> auth.check(request("bearer S3CRET-TOKEN"))).isInstanceOf(ApiAuth.Unauthorized.class);
    }

    @Test
    void checkShouldIgnoreBlanksAroundTheToken() {
        assertThatCode(() -> new ApiAuth("s3cret-token").check(request("Bearer  s3cret-token "))).doesNotThrowAnyException();
    }

    @Test
    void refuseShouldAnswer401WithJsonAndWwwAuthenticate() throws Exception {
        Exchange e = request("Bearer nope");
        e.getMessage().setHeader("X-Leftover", "from the request");
        e.setProperty(Exchange.EXCEPTION_CAUGHT, new ApiAuth.Unauthorized("wrong bearer token"));

        new ApiAuth("s3cret-token").refuse(e);

        assertThat(e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(401);
        assertThat(e.getMessage().getHeader(Exchange.CONTENT_TYPE)).isEqualTo("application/json");
        assertThat(e.getMessage().getHeader("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(e.getMessage().getHeaders()).doesNotContainKeys("Authorization", "X-Leftover");
        JsonNode body = new ObjectMapper().readTree(e.getMessage().getBody(String.class));
        assertThat(body.get("error").asText())
                .isEqualTo("unauthorized: wrong bearer token (send Authorization: Bearer <mailroute.api.token>)");
    }

    @Test
    void refuseShouldStillAnswer401WithoutACaughtException() throws Exception {
        Exchange e = request(null);

        new ApiAuth("s3cret-token").refuse(e);

        assertThat(e.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE)).isEqualTo(401);
        assertThat(e.getMessage().getHeader("WWW-Authenticate")).isEqualTo("Bearer");
        assertThat(new ObjectMapper().readTree(e.getMessage().getBody(String.class)).get("error").asText())
                .startsWith("unauthorized: ");
    }
}
