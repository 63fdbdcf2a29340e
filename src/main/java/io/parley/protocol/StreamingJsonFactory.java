package io.parley.protocol;

import io.vertx.core.json.jackson.JacksonCodec;
import io.vertx.core.spi.JsonFactory;
import io.vertx.core.spi.json.JsonCodec;

/**
 * Makes Vert.x encode and decode {@code JsonObject}s with Jackson's streaming parser and generator instead of
 * its data-binding {@code ObjectMapper}, which Vert.x picks whenever jackson-databind is on the classpath.
 * Parley's JSON is only maps, lists, strings, numbers and booleans, which the streaming codec walks directly;
 * the data-binding path looks up a serializer for every value and cost about twice the CPU per request body
 * (profiled: 13 % of a stateless turn). Registered in {@code META-INF/services/io.vertx.core.spi.JsonFactory};
 * Vert.x uses the factory with the lowest order. Mapping POJOs ({@code JsonObject.mapFrom}) is not
 * available, and Parley does not use it.
 */
public final class StreamingJsonFactory implements JsonFactory {

  private static final JsonCodec CODEC = new JacksonCodec();

  @Override
  public int order() {
    return 0;
  }

  @Override
  public JsonCodec codec() {
    return CODEC;
  }
}
