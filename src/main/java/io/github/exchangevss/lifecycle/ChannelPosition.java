package io.github.exchangevss.lifecycle;

import java.time.Instant;

/** The last record applied from one computer's channel: what tells a new event from one already seen. */
record ChannelPosition(long recordId, Instant time) {}
