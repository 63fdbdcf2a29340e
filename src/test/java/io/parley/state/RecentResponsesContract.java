package io.parley.state;

import io.parley.protocol.Ids;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link RecentResponses} must do. Each case uses its own random tenants, so a shared Redis is fine.
 */
abstract class RecentResponsesContract {

  protected Vertx vertx;
  private final String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);

  protected abstract RecentResponses create(Vertx vertx, int max, Duration ttl);

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void linesComeBackNewestFirstAsRecorded() throws Exception {
    RecentResponses index = create(vertx, 100, Duration.ofMinutes(5));
    RecentResponse first = line(null, "completed", "gpt-a");
    RecentResponse second = line(first.id(), "completed", "gpt-b");
    await(index.record(tenant, first));
    Thread.sleep(2);
    await(index.record(tenant, second));

    List<RecentResponse> lines = await(index.list(tenant));

    assertThat(lines).extracting(RecentResponse::id).containsExactly(second.id(), first.id());
    RecentResponse read = lines.get(0);
    assertThat(read.parentId()).isEqualTo(first.id());
    assertThat(read.model()).isEqualTo("gpt-b");
    assertThat(read.cachedTokens()).isEqualTo(3);
    assertThat(read.cache()).isEqualTo("moved; reason=down");
    assertThat(read.latencyMs()).isEqualTo(42);
    assertThat(read.preview()).isEqualTo("hello there");
  }

  @Test
  void anUpdateReplacesTheLineAndKeepsItsPlace() throws Exception {
    RecentResponses index = create(vertx, 100, Duration.ofMinutes(5));
    RecentResponse run = line(null, "queued", "m");
    await(index.record(tenant, run));
    Thread.sleep(2);
    RecentResponse later = line(null, "completed", "m");
    await(index.record(tenant, later));
    Thread.sleep(2);

    await(index.record(tenant, run.withStatus("cancelled")));

    assertThat(await(index.list(tenant))).extracting(RecentResponse::id, RecentResponse::status)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(later.id(), "completed"),
            org.assertj.core.groups.Tuple.tuple(run.id(), "cancelled"));
  }

  @Test
  void eachTenantKeepsItsBoundAndSeesOnlyItsOwnLines() throws Exception {
    RecentResponses index = create(vertx, 3, Duration.ofMinutes(5));
    String other = tenant + "-other";
    RecentResponse foreign = line(null, "completed", "m");
    await(index.record(other, foreign));
    RecentResponse[] mine = new RecentResponse[5];
    for (int i = 0; i < mine.length; i++) {
      mine[i] = line(null, "completed", "m");
      await(index.record(tenant, mine[i]));
      Thread.sleep(2);
    }

    assertThat(await(index.list(tenant))).extracting(RecentResponse::id)
        .containsExactly(mine[4].id(), mine[3].id(), mine[2].id());
    assertThat(await(index.list(other))).extracting(RecentResponse::id).containsExactly(foreign.id());
    assertThat(await(index.tenants())).contains(tenant, other);
  }

  @Test
  void aRemovedLineIsGone() {
    RecentResponses index = create(vertx, 10, Duration.ofMinutes(5));
    RecentResponse kept = line(null, "completed", "m");
    RecentResponse deleted = line(null, "completed", "m");
    await(index.record(tenant, kept));
    await(index.record(tenant, deleted));

    await(index.remove(tenant, deleted.id()));

    assertThat(await(index.list(tenant))).extracting(RecentResponse::id).containsExactly(kept.id());
  }

  @Test
  void linesLiveForTheTtl() throws Exception {
    RecentResponses index = create(vertx, 10, Duration.ofMillis(2000));
    await(index.record(tenant, line(null, "completed", "m")));
    assertThat(await(index.list(tenant))).hasSize(1);

    Thread.sleep(2200);

    assertThat(await(index.list(tenant))).isEmpty();
  }

  static RecentResponse line(String parent, String status, String model) {
    JsonObject response = new JsonObject().put("model", model).put("status", status).put("background", false)
        .put("usage", new JsonObject().put("input_tokens", 11).put("output_tokens", 7)
            .put("input_tokens_details", new JsonObject().put("cached_tokens", 3)));
    String id = Ids.newResponseId(parent);
    StoredResponse stored = new StoredResponse(id, parent, parent == null ? List.of() : List.of(parent),
        new JsonArray().add(new JsonObject().put("role", "user").put("content", "  hello\n there ")), response);
    return RecentResponse.of(stored, "moved; reason=down", 42, System.currentTimeMillis());
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
