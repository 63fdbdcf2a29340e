package io.parley.http;

import io.parley.protocol.OutputView;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.List;

/** The {@code include} query parameter of a retrieval ({@code include=a&include=b}, or {@code include[]=a}). */
final class Includes {

  private Includes() {
  }

  static OutputView view(RoutingContext ctx) {
    List<String> include = new ArrayList<>(ctx.queryParams().getAll("include"));
    include.addAll(ctx.queryParams().getAll("include[]"));
    return OutputView.of(include);
  }
}
