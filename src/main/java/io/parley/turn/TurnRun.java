package io.parley.turn;

import io.parley.cache.Chain;
import io.parley.protocol.ApiError;
import io.parley.protocol.Compaction;
import io.parley.protocol.ModelOutput;
import io.parley.protocol.ModelRequest;
import io.parley.protocol.OutputView;
import io.parley.protocol.ResponseObject;
import io.parley.protocol.ServerCalls;
import io.parley.protocol.StreamTranslation;
import io.parley.protocol.Usage;
import io.vertx.core.json.JsonArray;
import io.parley.upstream.Cancellation;
import io.parley.upstream.ChunkStream;
import io.parley.upstream.Placement;
import io.parley.upstream.Routed;
import io.parley.upstream.Upstream;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;

import java.util.List;

/**
 * One turn running: the provider call and the ordered stream of Responses events it produces, consumed by
 * one transport through {@link #events()}. Everything the turn takes (a stream slot, a background lease and
 * its cancel watch, the provider request) is taken in {@link #begin} and given back in {@link #settle},
 * whatever ends it; {@link #cancel} is the one handle through which a client leaving, a cancel, and
 * shutdown reach the provider request at any stage. Confined to the event loop it was started on.
 *
 * <p>Nothing is emitted before {@link #opened()}: until the provider has answered 2xx a failure is still an
 * HTTP error with its status. After that, a failure is a {@code response.failed} event, and the stream
 * ends after its terminal event, which for a finished turn comes only once the turn is stored.
 */
public final class TurnRun {

  private final TurnEngine.Parts parts;
  /** The turn as prepared; replaced once by the same turn compacted, before its first provider call. */
  private Turn turn;
  private ModelRequest model;
  private final RunOptions options;
  private final Cancellation cancellation = new Cancellation();
  private final Promise<Void> opened = Promise.promise();
  private final Promise<JsonObject> queued = Promise.promise();
  private final Promise<TurnResult> result = Promise.promise();
  private final EventQueue events = new EventQueue();
  private final JsonObject response;
  private boolean ended;
  private boolean settled;
  private boolean holdsSlot;
  private boolean firstOutput;
  private BackgroundHold hold;
  private ToolLoop loop;
  private final JsonArray output = new JsonArray();
  private JsonObject usage;
  /** The compaction's summary call's usage, added to the response's (JSON or streamed) when it finishes. */
  private JsonObject compactionUsage;
  private int callsMade;
  private int roundStart;
  private ChunkStream chunks;
  private StreamTranslation translation;
  private Placement placement = Placement.MISS;

  TurnRun(TurnEngine.Parts parts, Prepared prepared, RunOptions options) {
    this.parts = parts;
    this.turn = prepared.turn();
    this.model = prepared.model();
    this.options = options;
    this.response = turn.inProgress();
    this.loop = new ToolLoop(prepared.tools(), model, parts.calls().settings());
  }

  /** The turn's events, to pipe to a transport; paused or unread, it pauses the provider stream. */
  public ReadStream<Events> events() {
    return events;
  }

  /** Completes when the provider answered and events may be written; fails with the error to answer instead. */
  public Future<Void> opened() {
    return opened.future();
  }

  /** A background turn: completes with its {@code queued} response once that is stored under its lease. */
  public Future<JsonObject> queued() {
    return queued.future();
  }

  /** Completes when the turn has ended and released what it held. */
  public Future<TurnResult> result() {
    return result.future();
  }

  public Turn turn() {
    return turn;
  }

  /** Where the provider call went (known once {@link #opened()}). */
  public Placement placement() {
    return placement;
  }

  /** The response as it stands: in progress until the run ends. */
  public JsonObject response() {
    return response;
  }

  // ---- the run: take, call, relay, finish ----

  void begin() {
    try {
      if (options.delivery() == Delivery.STREAM) {
        parts.slots().acquire(turn.tenant());
        holdsSlot = true;
        parts.metrics().streamStarted();
      }
    } catch (ApiError e) {
      parts.metrics().rateLimited(turn.tenant(), "streams");
      settle(Ending.FAILED, null, e);
      return;
    }
    parts.inFlight().add(this);
    (options.delivery() == Delivery.BACKGROUND ? queue() : Future.<Void>succeededFuture())
        .onSuccess(v -> call())
        .onFailure(err -> settle(Ending.FAILED, null, err));
  }

  /** Stores the turn as {@code queued} under a lease that is renewed while it runs, and watches for a cancel. */
  private Future<Void> queue() {
    response.put("status", "queued");
    hold = new BackgroundHold(parts.vertx(), parts.runs(), turn.tenant(), turn.id());
    return hold.lease(parts.lease())
        .compose(v -> parts.commit().state(turn, response.copy(), facts()))
        .onSuccess(v -> {
          queued.complete(response.copy());
          if (!ended) {
            response.put("status", "in_progress");
            hold.watch(parts.lease(), TurnEngine.CANCEL_POLL_MS, () -> cancel(Ending.CANCELLED));
          }
        })
        .onFailure(queued::tryFail);
  }

  /** Compacts the turn if planned, runs the calls the client approved (if any), then makes its first provider call. */
  private void call() {
    if (settled) {
      return;
    }
    if (turn.compacting() != null && turn.compaction() == null) {
      compact();
      return;
    }
    if (turn.compaction() != null) {
      output.add(turn.compaction());
    }
    List<JsonObject> opening = loop.opening();
    opening.forEach(output::add);
    runCalls(ToolLoop.pending(opening), item -> { }, finished -> replace(output, finished))
        .onSuccess(v -> round(loop.call(output, 0), true));
  }

  /**
   * The turn's context crossed its {@code context_management} threshold: the model summarizes the older part
   * (a call cancelled with the turn), the {@code compaction} item sealing it leads the output, and the turn
   * sends the summary and the kept items from then on. The summary's tokens count in the response's usage.
   */
  private void compact() {
    Compacting plan = turn.compacting();
    Summary.of(parts.upstream(), parts.protocol(), turn.request().model(), plan.older(), turn.providerKey(),
        options.forwarded(), cancellation).onComplete(ar -> {
          if (settled) {
            return;
          }
          if (ar.failed()) {
            failBeforeOpen(ar.cause());
            return;
          }
          String summary = ResponseObject.outputText(ar.result().output());
          JsonObject sealed = parts.seal().seal(turn.tenant(), summary, plan.kept());
          turn = turn.compacted(Compaction.opened(sealed, summary, plan.kept()));
          model = loop.tools().offeredTo(turn.modelRequest());
          loop = new ToolLoop(loop.tools(), model, parts.calls().settings());
          compactionUsage = ar.result().usage();
          call();
        });
  }

  /** One provider call of the turn; the first opens the run, later ones continue its stream. */
  private void round(ModelRequest call, boolean first) {
    if (settled) {
      return;
    }
    if (first && turn.chainCheck().failed()) { // known before the call (the in-memory store answers at once)
      failBeforeOpen(turn.chainCheck().cause());
      return;
    }
    Upstream.Call request;
    try {
      boolean streaming = options.delivery() != Delivery.JSON;
      request = new Upstream.Call(parts.protocol().path(), parts.protocol().body(call, streaming), call.routingKey(),
          turn.providerKey(), options.forwarded(), cancellation);
    } catch (RuntimeException e) {
      failBeforeOpen(e);
      return;
    }
    if (options.delivery() == Delivery.JSON) {
      Future<Routed<JsonObject>> answer = parts.upstream().post(request);
      (first ? checked(answer, a -> { }) : answer).onComplete(ar -> {
        if (ar.succeeded()) {
          answered(ar.result(), call);
        } else {
          failBeforeOpen(ar.cause());
        }
      });
    } else {
      Future<Routed<ChunkStream>> answer = parts.upstream().postStream(request);
      (first ? checked(answer, opened -> opened.value().cancel()) : answer).onComplete(ar -> {
        if (ar.failed()) {
          if (first) {
            failBeforeOpen(ar.cause());
          } else {
            fail(Failures.toApiError(ar.cause(), options.forwarded().requestId()));
          }
        } else if (first) {
          streaming(ar.result());
        } else {
          attach(ar.result().value());
        }
      });
    }
  }

  /**
   * The first call's answer, once the turn's cached chain is known to still exist in the store (checked
   * while the provider was called). A failed check cancels the call; an answer that came first is dropped.
   */
  private <T> Future<T> checked(Future<T> call, java.util.function.Consumer<T> drop) {
    Future<Void> check = turn.chainCheck();
    if (check.succeeded()) {
      return call;
    }
    check.onFailure(err -> cancellation.cancel());
    return Future.join(call, check).transform(ar -> {
      if (check.succeeded()) {
        return call;
      }
      if (call.succeeded()) {
        drop.accept(call.result());
      }
      return Future.failedFuture(check.cause());
    });
  }

  /**
   * A non-streaming answer: its MCP calls are run and the model asked again while the loop goes on; then
   * the finished response is stored, and the run opens with its terminal event alone.
   */
  private void answered(Routed<JsonObject> answer, ModelRequest call) {
    if (settled) {
      return;
    }
    placement = answer.placement();
    ModelOutput round;
    try {
      round = parts.protocol().output(answer.value(), call);
    } catch (RuntimeException e) {
      failBeforeOpen(e);
      return;
    }
    int from = output.size();
    round.output().forEach(output::add);
    usage = Usage.sum(usage, round.usage());
    List<JsonObject> items = ToolLoop.list(output, from);
    callsMade += ToolLoop.calls(items);
    List<JsonObject> pending = ToolLoop.pending(items);
    if (pending.isEmpty()) {
      finishJson(round.finishReason());
      return;
    }
    runCalls(pending, item -> { }, finished -> replace(output, finished)).onSuccess(v -> {
      if (ToolLoop.clientsMove(items) || "max_tool_calls".equals(round.finishReason())) {
        finishJson(round.finishReason());
      } else if (!loop.withinBudget()) {
        finishJson("max_tool_calls");
      } else {
        loop.nextRound();
        round(loop.call(output, callsMade), false);
      }
    });
  }

  private void finishJson(String finishReason) {
    if (settled) {
      return;
    }
    ResponseObject.finish(response, new ModelOutput(output, Usage.sum(compactionUsage, usage), finishReason),
        System.currentTimeMillis() / 1000);
    settled = true;
    parts.commit().finished(turn, response, options.keepChain(), facts()).onComplete(ar -> {
      if (ar.failed()) {
        settle(Ending.FAILED, null, ar.cause());
        return;
      }
      events.push(List.of(ResponseObject.terminalEvent(OutputView.of(turn.request()).response(response), 0)));
      settle(Ending.FINISHED, ar.result(), null);
    });
  }

  /** The stream opened: the response's opening events, the items made before the first call, then the provider's. */
  private void streaming(Routed<ChunkStream> stream) {
    if (settled) {
      stream.value().cancel();
      return;
    }
    placement = stream.placement();
    translation = parts.protocol().translation(response, model);
    opened.complete();
    events.push(translation.start());
    for (Object o : output) {
      JsonObject item = (JsonObject) o;
      if ("compaction".equals(item.getString("type"))) {
        events.push(translation.added(item, List.of()));
        events.push(translation.done(item, null));
        continue;
      }
      boolean listing = "mcp_list_tools".equals(item.getString("type"));
      events.push(translation.added(listing ? item.copy().put("tools", new JsonArray()) : inProgress(item),
          List.of(listing ? "response.mcp_list_tools.in_progress" : ServerCalls.runningEvent(item))));
      events.push(translation.done(item, listing ? "response.mcp_list_tools.completed" : ServerCalls.endedEvent(item)));
    }
    attach(stream.value());
  }

  /** Relays one provider stream (the turn's first, or a later round's). */
  private void attach(ChunkStream stream) {
    chunks = stream;
    if (settled) {
      chunks.cancel();
      return;
    }
    if (loop.active()) {
      roundStart = translation.output().size();
    }
    chunks.exceptionHandler(err -> fail(Failures.toApiError(err, options.forwarded().requestId())));
    chunks.endHandler(v -> complete());
    chunks.handler(this::onChunk);
    events.source(flowing -> {
      if (flowing && !settled) {
        chunks.resume();
      } else if (!flowing) {
        chunks.pause();
      }
    });
  }

  /** A chunk the translation refuses throws: the chunk stream then fails, resetting the provider request. */
  private void onChunk(JsonObject chunk) {
    List<JsonObject> batch = translation.onChunk(chunk);
    if (!firstOutput && batch.stream().anyMatch(TurnRun::isOutputDelta)) {
      firstOutput = true;
      parts.metrics().timeToFirstToken(System.nanoTime() - options.startNanos());
    }
    events.push(batch);
  }

  /**
   * A provider stream ended. With MCP calls in it, they run (their events streamed as they go) and the model
   * is called again while the loop goes on; otherwise: closing events, the turn is stored, the terminal event.
   */
  private void complete() {
    if (settled) {
      return;
    }
    if (loop.active() && translation.supportsRounds()) {
      events.push(translation.endRound());
      List<JsonObject> items = ToolLoop.list(translation.output(), roundStart);
      List<JsonObject> pending = ToolLoop.pending(items);
      if (!pending.isEmpty()) {
        runCalls(pending, item -> events.push(translation.progress(item, ServerCalls.runningEvent(item))),
            finished -> events.push(translation.done(finished, ServerCalls.endedEvent(finished)))).onSuccess(v -> {
              if (ToolLoop.clientsMove(items) || translation.cut()) {
                finishStream();
              } else if (!loop.withinBudget()) {
                translation.cutShort();
                finishStream();
              } else {
                loop.nextRound();
                translation.nextRound(model.policy());
                round(loop.call(translation.output(), 0), false);
              }
            });
        return;
      }
    }
    finishStream();
  }

  /** Closing events, then the turn is stored, then the terminal event. */
  private void finishStream() {
    if (settled) {
      return;
    }
    try {
      events.push(translation.finish(System.currentTimeMillis() / 1000));
    } catch (ApiError e) {
      fail(e);
      return;
    }
    settled = true;
    JsonObject finished = translation.response();
    if (compactionUsage != null) {
      finished.put("usage", Usage.sum(compactionUsage, finished.getJsonObject("usage")));
    }
    parts.commit().finished(turn, finished, options.keepChain(), facts()).onComplete(ar -> {
      if (ar.succeeded()) {
        events.push(List.of(translation.terminalEvent()));
        settle(Ending.FINISHED, ar.result(), null);
      } else {
        ApiError error = Failures.toApiError(ar.cause(), options.forwarded().requestId());
        events.push(List.of(translation.failedEvent(error)));
        settle(Ending.FAILED, null, error);
      }
    });
  }

  /** Runs the calls to tools Parley runs, with the turn's cancel handle; a cancelled or failed turn stops here. */
  private Future<Void> runCalls(List<JsonObject> pending, java.util.function.Consumer<JsonObject> started,
      java.util.function.Consumer<JsonObject> finished) {
    if (pending.isEmpty()) {
      return Future.succeededFuture();
    }
    return parts.calls().run(loop.tools(), pending, cancellation, started, item -> {
      if (!settled) {
        finished.accept(item);
      }
    }).compose(v -> settled ? Promise.<Void>promise().future() : Future.succeededFuture());
  }

  private static JsonObject inProgress(JsonObject item) {
    return item.copy().put("output", null).put("error", null).put("status", "in_progress");
  }

  private static void replace(JsonArray items, JsonObject item) {
    for (int i = 0; i < items.size(); i++) {
      if (item.getString("id").equals(items.getJsonObject(i).getString("id"))) {
        items.set(i, item);
        return;
      }
    }
  }

  /** A failure after the stream opened: {@code response.failed}, and a background turn stores it. */
  private void fail(ApiError error) {
    if (settled) {
      return;
    }
    settled = true;
    cancellation.cancel();
    events.push(List.of(translation.failedEvent(error)));
    storeStateThenSettle(Ending.FAILED, error);
  }

  /** A failure before anything was emitted: an HTTP error for a client, a stored failed state for a background turn. */
  private void failBeforeOpen(Throwable err) {
    if (settled) {
      return;
    }
    settled = true;
    ApiError error = Failures.toApiError(err, options.forwarded().requestId());
    ResponseObject.fail(response, error);
    storeStateThenSettle(Ending.FAILED, error);
  }

  /**
   * Ends the turn now, from whatever stage it is in: the provider request is reset (connecting, waiting
   * for its head, or streaming), and nothing is stored as completed. A background turn stores itself as
   * {@code cancelled} (or, at shutdown, {@code failed}).
   */
  public void cancel(Ending why) {
    if (settled) {
      return;
    }
    settled = true;
    cancellation.cancel();
    if (options.delivery() == Delivery.BACKGROUND) {
      if (why == Ending.SHUTDOWN) {
        ResponseObject.fail(response, ApiError.upstream("The replica running this background response shut down before it finished."));
      } else {
        response.put("status", "cancelled");
      }
    }
    storeStateThenSettle(why, new ApiError(499, "invalid_request_error", "request_cancelled", null,
        "The turn was cancelled (" + why.name().toLowerCase() + ")."));
  }

  private void storeStateThenSettle(Ending ending, ApiError error) {
    if (options.delivery() != Delivery.BACKGROUND || !queued.future().succeeded()) {
      settle(ending, null, error);
      return;
    }
    parts.commit().state(turn, response, facts()).onComplete(ar -> settle(ending, null, error));
  }

  /** The one place a run gives back what it took; its stream ends once its last events are read. */
  private void settle(Ending ending, Chain chain, Throwable error) {
    settled = true;
    if (ended) {
      return;
    }
    ended = true;
    cancellation.cancel();
    if (holdsSlot) {
      holdsSlot = false;
      parts.slots().release(turn.tenant());
      parts.metrics().streamEnded();
    }
    if (hold != null) {
      hold.release();
    }
    parts.inFlight().remove(this);
    // The result first: whoever opens on the run's end (a JSON answer) reads it as it is written out.
    result.complete(new TurnResult(ending, response, chain));
    if (error != null) {
      opened.tryFail(error);
      queued.tryFail(error);
    } else {
      opened.tryComplete();
    }
    events.end();
  }

  private TurnCommit.RunFacts facts() {
    return new TurnCommit.RunFacts(placement, options.startNanos());
  }

  /** Model output reaching the client: text, refusal, reasoning or tool-call argument deltas. */
  private static boolean isOutputDelta(JsonObject event) {
    return event.getValue("type") instanceof String type && type.endsWith(".delta");
  }
}
