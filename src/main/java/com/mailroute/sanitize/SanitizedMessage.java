package com.mailroute.sanitize;

/** The wire-clean message (Received header first) and what had to change to get there. */
public record SanitizedMessage(byte[] bytes, SanitizeReport report) {}
