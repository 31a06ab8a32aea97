package dev.rampart.policy.dns;

/** One MX RR: preference and exchange host (lower-case A-label form, no trailing dot; "." stays "" for null MX). */
public record MxRecord(int preference, String exchange) {}
