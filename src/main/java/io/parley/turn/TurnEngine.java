package io.parley.turn;

import io.parley.backend.Backends;
import io.parley.background.RunLog;
import io.parley.cache.Chain;
import io.parley.config.FilesConfig;
import io.parley.files.FileStore;
import io.parley.files.UrlFetcher;
import io.parley.metrics.Metrics;
import io.parley.protocol.ApiError;
import io.parley.protocol.CreateRequest;
import io.parley.protocol.Prompts;
import io.parley.protocol.ProviderProtocol;
import io.parley.state.ResponseStore;
import io.parley.upstream.Upstream;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiConsumer;

/**
 * The turn engine, with no transport in it. A turn is <em>prepared</em> (input references resolved, its
 * chain or conversation loaded, fitted to the context window, its tool history checked: every 4xx comes out
 * here, before anything is taken or called), then <em>run</em> ({@link TurnRun}: the provider call and one
 * ordered stream of Responses events), then <em>finished</em> ({@link TurnCommit}: stored before its
 * terminal event). One engine per event loop; the transports in {@code http} are adapters over its runs.
 */
public final class TurnEngine {

  /** A cancel raised on any replica is seen within one poll (20 reads a second per running background turn). */
  static final long CANCEL_POLL_MS = 50;
  private static final long DRAIN_POLL_MS = 50;

  /** What a run uses, owned by the engine. {@code inFlight} is this event loop's running turns. */
  record Parts(Vertx vertx, Upstream upstream, ProviderProtocol protocol, TurnCommit commit, StreamSlots slots,
      RunLog runs, Duration lease, Metrics metrics, Set<TurnRun> inFlight, McpListing mcp, HostedTools hosted,
      ToolCalling calls, CompactionSeal seal) {
  }

  private final Parts parts;
  private final ItemReferences references;
  private final FileInputs files;
  private final HistoryLoader history;
  private final ContextFit fit;
  private final AutoCompaction compaction;
  private final ResponseStore store;
  private final CompactionSeal seal;
  private final Prompts prompts;

  /**
   * @param stores     where turns, conversations, background runs, files and the console's recent index are kept
   * @param shared     what every event loop's engine shares (context cache, MCP client, hosted tools, compaction seal)
   * @param tokenMeter told each finished response's total tokens, per tenant (for token rate limits)
   */
  public TurnEngine(Vertx vertx, Backends stores, TurnServices shared, TurnSettings settings, Upstream upstream,
      ProviderProtocol protocol, StreamSlots slots, Metrics metrics, BiConsumer<String, Long> tokenMeter) {
    FileStore fileStore = stores.files();
    FilesConfig filesConfig = settings.files();
    this.prompts = settings.prompts();
    this.store = stores.responses();
    this.seal = shared.seal();
    this.references = new ItemReferences(store, seal, protocol.hostedTools());
    this.files = new FileInputs(vertx, fileStore, filesConfig.inputModes(),
        new UrlFetcher(vertx, settings.fetchPrivateNetworks(), filesConfig.maxBytes(), fileStore.stagingDir()),
        filesConfig.ttl());
    this.history = new HistoryLoader(store, stores.conversations(), shared.cache(), protocol.buildsFromChatPrefix(), files,
        settings.chainCheckConcurrent(), seal);
    this.fit = new ContextFit(settings.windows(), vertx, history);
    this.compaction = new AutoCompaction(fit, history, settings.windows(), protocol.hostedTools());
    TurnCommit commit = new TurnCommit(store, stores.recent(), stores.conversations(), settings.windows(), vertx, history,
        tokenMeter, settings.storeRetryBudget(), files);
    McpSettings mcp = settings.mcp();
    this.parts = new Parts(vertx, upstream, protocol, commit, slots, stores.runs(), settings.lease(), metrics,
        new LinkedHashSet<>(), new McpListing(shared.mcp(), mcp.servers(), new McpCalling(shared.mcp(), mcp)),
        new HostedTools(shared.hosted()), new ToolCalling(mcp), seal);
  }

  public ProviderProtocol protocol() {
    return parts.protocol();
  }

  public Prompts prompts() {
    return prompts;
  }

  /** Parses a create request: its reusable prompt resolved first, then read as this provider takes it. */
  public CreateRequest parse(io.vertx.core.json.JsonObject body) {
    return parts.protocol().parse(prompts.resolve(body));
  }

  public Upstream upstream() {
    return parts.upstream();
  }

  /** Seals the summaries of {@code /v1/responses/compact} into {@code compaction} items that later turns open. */
  public CompactionSeal compactionSeal() {
    return seal;
  }

  /**
   * A turn ready to run: references resolved, its history loaded (from the cache when it can be), fitted,
   * its compaction planned when its context crossed its {@code context_management} threshold, checked, and
   * the tools of its MCP servers listed (or found in the chain).
   */
  public Future<Prepared> prepare(String tenant, String providerKey, CreateRequest request) {
    return storeReady(request)
        .compose(v -> references.resolve(tenant, request.input()))
        .compose(v -> history.load(tenant, providerKey, request, true))
        .compose(files::attach)
        .compose(fit::fit)
        .compose(compaction::plan)
        .compose(this::withTools);
  }

  /**
   * The tools Parley runs in the turn: its hosted tools on their backends, and its MCP servers' tools (listed
   * now, or found in the chain). The tool history is checked first (a 400 comes before any MCP server is asked
   * anything).
   */
  private Future<Prepared> withTools(Turn turn) {
    Prepared plain = checked(turn);
    List<ServerSideTools> hosted;
    try {
      hosted = parts.hosted().forTurn(turn);
    } catch (ApiError e) {
      return Future.failedFuture(e);
    }
    if (turn.request().mcp().isEmpty() && hosted.isEmpty()) {
      return Future.succeededFuture(plain);
    }
    if ((turn.request().stream() || turn.request().background()) && !parts.protocol().streamsToolRounds()) {
      return Future.failedFuture(ApiError.invalidValue("tools", "Tools that Parley runs (MCP tools, hosted tools on"
          + " a backend) cannot be streamed with this provider's protocol (Responses API upstream): send the request"
          + " without 'stream' and 'background'."));
    }
    if (turn.request().mcp().isEmpty()) {
      return Future.succeededFuture(withTools(turn, plain, new TurnTools(McpToolset.NONE, hosted)));
    }
    // The chain's turns hold its listings and approval requests; a chain held only as its prefix (and not in
    // the store, as a WebSocket's store:false one) lists its servers again.
    return history.withTurns(turn).otherwise(turn).compose(loaded -> parts.mcp().toolset(loaded)
        .map(mcp -> mcp.carrying(McpApprovals.carried(loaded, mcp)))
        .map(mcp -> withTools(loaded, plain, new TurnTools(mcp, hosted))));
  }

  private static Prepared withTools(Turn turn, Prepared plain, TurnTools tools) {
    return new Prepared(turn, tools.offeredTo(plain.model()), tools);
  }

  /** As {@link #prepare}, with the history's items loaded even when the cache holds the chain (compaction reads them). */
  public Future<Prepared> prepareWithItems(String tenant, String providerKey, CreateRequest request) {
    return references.resolve(tenant, request.input())
        .compose(v -> history.load(tenant, providerKey, request, false))
        .compose(files::attach)
        .compose(fit::fit)
        .map(TurnEngine::checked);
  }

  /** The turn with its whole history's items, not fitted to the context window (for counting it). */
  public Future<Prepared> prepareUnfitted(String tenant, String providerKey, CreateRequest request) {
    return references.resolve(tenant, request.input())
        .compose(v -> history.load(tenant, providerKey, request, false))
        .compose(files::attach)
        .map(TurnEngine::checked);
  }

  /**
   * A turn continuing a chain its caller holds (a WebSocket's latest response, stored or not): not read
   * from the store, and not fitted, since a {@code store:false} chain has nothing in the store to cut from.
   */
  public Future<Prepared> prepareOn(String tenant, String providerKey, CreateRequest request, Chain held) {
    return storeReady(request)
        .compose(v -> references.resolve(tenant, request.input()))
        .compose(v -> files.attach(Turn.start(tenant, providerKey, request, held)))
        .compose(compaction::plan)
        .compose(this::withTools);
  }

  /**
   * A turn whose answer must be stored is refused while the store is known to be down: the provider is not
   * paid for a generation that would be lost. A {@code store:false} turn needs no store and runs.
   */
  private Future<Void> storeReady(CreateRequest request) {
    boolean needsStore = request.store() || request.previousResponseId() != null || request.conversationId() != null;
    return !needsStore || store.available() ? Future.succeededFuture()
        : Future.failedFuture(ApiError.storeUnavailable("The response store (Redis) is unavailable; retry shortly."
            + " A request with store:false and no previous_response_id or conversation does not need it."));
  }

  private static Prepared checked(Turn turn) {
    return new Prepared(turn, turn.modelRequest(), TurnTools.NONE);
  }

  /** Starts the turn: what it takes is taken now (a 429 for a stream over the tenant's cap fails {@link TurnRun#opened()}). */
  public TurnRun run(Prepared turn, RunOptions options) {
    TurnRun run = new TurnRun(parts, turn, options);
    run.begin();
    return run;
  }

  /**
   * Starts a background turn, its events written to the shared run log, and returns its {@code queued}
   * response once that is stored under its lease.
   */
  public Future<io.vertx.core.json.JsonObject> runInBackground(Prepared turn, RunOptions options) {
    TurnRun run = run(turn, options);
    run.events().pipeTo(new RunLogSink(parts.runs(), turn.turn().tenant(), turn.turn().id()));
    return run.queued();
  }

  /** Forgets a chain the context cache may hold (its response was deleted). */
  public void forget(String tenant, String id) {
    history.forget(tenant, id);
  }

  /**
   * Shutdown: waits for the turns running on this event loop (background ones included) to end, until
   * {@code deadlineNanos}; then cancels those still running, which resets their provider requests and
   * stores a background turn as failed. Call on this engine's event loop.
   */
  public Future<Void> drain(long deadlineNanos) {
    if (parts.inFlight().isEmpty()) {
      return Future.succeededFuture();
    }
    if (System.nanoTime() >= deadlineNanos) {
      for (TurnRun run : new ArrayList<>(parts.inFlight())) {
        run.cancel(Ending.SHUTDOWN);
      }
      return Future.succeededFuture();
    }
    Promise<Void> later = Promise.promise();
    long wait = Math.max(1, Math.min(DRAIN_POLL_MS, (deadlineNanos - System.nanoTime()) / 1_000_000));
    parts.vertx().setTimer(wait, id -> drain(deadlineNanos).onComplete(later));
    return later.future();
  }
}
