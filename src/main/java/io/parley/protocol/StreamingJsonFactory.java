package io.parley.protocol;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.core.spi.JsonFactory;
import io.vertx.core.spi.json.JsonCodec;

/**
 * Makes Vert.x encode and decode {@code JsonObject}s with Jackson's streaming parser and generator instead of
 * its data-binding {@code ObjectMapper}, which Vert.x picks whenever jackson-databind is on the classpath.
 * Parley's JSON is only maps, lists, strings, numbers and booleans, which the streaming codec walks directly
 * rather than looking up a serializer for every value, and buffers are written in place
 * ({@link JsonBuffers}) rather than copied twice. Every request parses its body and the provider's answer
 * and encodes its own answer this way. Registered in {@code META-INF/services/io.vertx.core.spi.JsonFactory};
 * Vert.x uses the factory with the lowest order. Mapping POJOs ({@code JsonObject.mapFrom}) is not
 * available, and Parley does not use it.
 */
public final class StreamingJsonFactory implements JsonFactory {

  private static final JsonCodec CODEC = new JacksonCodec() {
    @Override
    public Buffer toBuffer(Object object, boolean pretty) {
      return pretty ? super.toBuffer(object, true) : JsonBuffers.encode(object);
    }
  };

  @Override
  public int order() {
    return 0;
  }

  @Override
  public JsonCodec codec() {
    return CODEC;
  }
}
