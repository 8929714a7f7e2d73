package com.mailroute.sanitize;

public record SanitizedMessage(byte[] bytes, SanitizeReport report) {
}
