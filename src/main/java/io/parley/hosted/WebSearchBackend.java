package io.parley.hosted;

import io.parley.upstream.Cancellation;
import io.vertx.core.Future;

import java.util.List;

/**
 * Where Parley runs the hosted {@code web_search} tool. Futures complete on the caller's context; a failed one
 * carries a {@link HostedToolException} whose message may be shown to the client and the model.
 */
public interface WebSearchBackend {

  /** Results for {@code query}, best first (the caller keeps as many as it needs); {@code cancel} stops the search at once. */
  Future<List<SearchResult>> search(String query, Cancellation cancel);
}
