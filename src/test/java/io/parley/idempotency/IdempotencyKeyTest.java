package io.parley.idempotency;

import io.parley.protocol.ApiError;
import io.vertx.core.buffer.Buffer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdempotencyKeyTest {

  private static final Buffer BODY = Buffer.buffer("{\"model\":\"m\",\"input\":\"hi\"}");

  @Test
  void keysOfUpTo255VisibleAsciiCharactersAreAccepted() {
    IdempotencyKey.of("t", "a".repeat(255), "/v1/responses", BODY);
    IdempotencyKey.of("t", "550e8400-e29b-41d4-a716-446655440000", "/v1/responses", BODY);
    IdempotencyKey.of("t", "stainless-retry:AZ/+=_~!", "/v1/responses", null);
  }

  @Test
  void emptyOverlongOrNonVisibleKeysAre400() {
    for (String bad : new String[] {"", "a".repeat(256), "has space", "tab\t", "naïve"}) {
      assertThatThrownBy(() -> IdempotencyKey.of("t", bad, "/v1/responses", BODY))
          .isInstanceOfSatisfying(ApiError.class, e -> {
            assertThat(e.status()).isEqualTo(400);
            assertThat(e.code()).isEqualTo("invalid_idempotency_key");
            assertThat(e.getMessage()).doesNotContain(bad.isEmpty() ? "\u0000" : bad);
          });
    }
  }

  @Test
  void theFingerprintCoversTheEndpointAndEveryByteOfTheBody() {
    String fingerprint = IdempotencyKey.fingerprint("/v1/responses", BODY);

    assertThat(IdempotencyKey.fingerprint("/v1/responses", BODY.copy())).isEqualTo(fingerprint).hasSize(64);
    assertThat(IdempotencyKey.fingerprint("/v1/conversations", BODY)).isNotEqualTo(fingerprint);
    assertThat(IdempotencyKey.fingerprint("/v1/responses", Buffer.buffer("{\"model\":\"m\", \"input\":\"hi\"}")))
        .isNotEqualTo(fingerprint);
    assertThat(IdempotencyKey.fingerprint("/v1/responses", null))
        .isEqualTo(IdempotencyKey.fingerprint("/v1/responses", Buffer.buffer()));
  }
}
