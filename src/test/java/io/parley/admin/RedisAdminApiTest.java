package io.parley.admin;

import io.parley.testing.Gateway;
import io.parley.testing.RedisSupport;
import io.parley.testing.ToolChain;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RedisAdminApiTest extends AdminApiContract {

  @Override
  Map<String, String> backend() {
    return Map.of("PARLEY_REDIS_URL", RedisSupport.url());
  }

  @Test
  void aChainMadeOnOneReplicaShowsOnAnother() {
    try (Gateway other = start(Map.of())) {
      List<String> ids = ToolChain.create(gateway.as("sk-globex-1"), provider, "model-replicas");

      var listed = eventually(() -> {
        var reply = other.as(ADMIN).get("/admin/v1/responses?model=model-replicas");
        return reply.json().getJsonArray("data");
      }, d -> d.size() == 3);
      assertThat(ids(listed)).containsExactly(ids.get(2), ids.get(1), ids.get(0));
      JsonObject tree = other.as(ADMIN).get("/admin/v1/responses/" + ids.get(0) + "/chain").json();
      assertThat(tree.getJsonArray("nodes")).hasSize(3);
      assertThat(tree.getString("tenant")).isEqualTo("globex");
    }
  }
}
