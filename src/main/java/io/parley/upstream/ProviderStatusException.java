package io.parley.upstream;

import io.vertx.core.buffer.Buffer;

/** A provider's non-2xx answer, before {@link UpstreamErrors} maps it for the client. */
final class ProviderStatusException extends RuntimeException {

  private final int status;
  private final transient Buffer body;

  ProviderStatusException(int status, Buffer body) {
    super("provider answered HTTP " + status, null, false, false);
    this.status = status;
    this.body = body;
  }

  int status() {
    return status;
  }

  Buffer body() {
    return body;
  }
}
