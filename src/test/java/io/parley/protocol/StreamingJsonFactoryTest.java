package io.parley.protocol;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.DatabindCodec;
import io.vertx.core.json.jackson.JacksonCodec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StreamingJsonFactoryTest {

  @Test
  void vertxUsesTheStreamingCodecNotTheDataBindingOne() {
    assertThat(Json.CODEC).isInstanceOf(JacksonCodec.class).isNotInstanceOf(DatabindCodec.class);
  }

  @Test
  void encodesAndDecodesLikeTheDataBindingCodec() {
    JsonObject value = new JsonObject()
        .put("text", "caf\u00e9 \"quoted\" \n \u2603 \uD83D\uDE00")
        .put("int", 7).put("long", 1L << 40).put("double", 0.25).put("flag", true).putNull("none")
        .put("nested", new JsonObject().put("list", new JsonArray().add(1).add("two").add(new JsonObject())));
    String streaming = value.encode();
    assertThat(streaming).isEqualTo(new DatabindCodec().toString(value, false));
    assertThat(value.toBuffer()).isEqualTo(new DatabindCodec().toBuffer(value, false));
    assertThat(new JsonObject(streaming)).isEqualTo(value);
    assertThat((Object) new DatabindCodec().fromString(streaming, JsonObject.class)).isEqualTo(value);
  }

  /** Sized buffers and exact arrays hold the same bytes as the data-binding codec, one block or several. */
  @Test
  void buffersAndArraysOfAnySizeHoldTheSameBytes() {
    for (int size : new int[] {0, 10, 7_999, 8_000, 20_000}) {
      JsonObject value = new JsonObject().put("text", "x".repeat(size)).put("n", size);
      byte[] expected = new DatabindCodec().toBuffer(value, false).getBytes();
      assertThat(JsonBuffers.encode(value).getBytes()).as("encode, %d", size).isEqualTo(expected);
      assertThat(JsonBuffers.bytes(value)).as("bytes, %d", size).isEqualTo(expected);
      assertThat(JsonBuffers.append(io.vertx.core.buffer.Buffer.buffer("[").appendString(""), value).getBytes())
          .as("append, %d", size).isEqualTo(("[" + new String(expected, java.nio.charset.StandardCharsets.UTF_8))
              .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
  }
}
