package io.parley.ops;

import io.parley.config.ConfigLoader;
import io.parley.config.ParleyConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.parley.ops.Yaml.at;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker/: no Docker engine runs here, so the files are checked for what would break them: service
 * names, ports, and that every PARLEY_* variable is a real configuration key with a valid value.
 */
class DockerFilesTest {

  private static final Path DOCKER = Path.of("docker");
  private static final List<String> REPLICAS = List.of("parley-1", "parley-2");

  private final Map<String, Object> compose = Yaml.load(DOCKER.resolve("compose.yaml"));
  private final Map<String, Object> services = at(compose, "services");

  @Test
  void composeHasTwoReplicasBehindNginxWithRedisAndPrometheus() {
    assertThat(services).containsKeys("parley-1", "parley-2", "nginx", "redis", "prometheus", "grafana");
    assertThat(ports("nginx")).contains("8080:8080");
    assertThat(Yaml.read(DOCKER.resolve("nginx.conf"))).contains("listen 8080;")
        .contains("server parley-1:8080").contains("server parley-2:8080").contains("proxy_buffering off;");
    assertThat(ports("prometheus")).contains("9090:9090");
    String scrape = Yaml.read(DOCKER.resolve("prometheus.yml"));
    assertThat(scrape).contains("parley-1:8080").contains("parley-2:8080").contains("/metrics");
    for (String replica : REPLICAS) {
      assertThat(at(services, replica, "build", "dockerfile").toString()).isEqualTo("docker/Dockerfile");
      assertThat(ports(replica)).anyMatch(p -> p.endsWith(":8080"));
    }
  }

  @Test
  void everyParleyVariableInComposeIsARealKeyWithAValidValue() {
    for (String replica : REPLICAS) {
      Map<String, String> env = environment(replica);
      assertThat(env).isNotEmpty();
      assertThat(ConfigLoader.unknownVariables(env)).as(replica + " variables").isEmpty();
      env.put(ConfigLoader.CONFIG_PATH_ENV, "conf/parley.json");
      ParleyConfig config = ConfigLoader.load(env);
      assertThat(config.port()).as("the port nginx and prometheus use").isEqualTo(8080);
      assertThat(config.redisUrl()).isEqualTo("redis://redis:6379");
      assertThat(services).containsKey(java.net.URI.create(config.redisUrl()).getHost());
      long stopSeconds = Long.parseLong(at(services, replica, "stop_grace_period").toString().replace("s", ""));
      assertThat(stopSeconds).as("docker waits longer than the drain")
          .isGreaterThan(config.shutdownDelay().plus(config.shutdownGrace()).toSeconds());
    }
  }

  @Test
  void theDockerfileBuildsWithMavenAndRunsAJre21AsANonRootUserWithAHealthcheck() {
    String dockerfile = Yaml.read(DOCKER.resolve("Dockerfile"));
    assertThat(dockerfile).contains("FROM maven:3.9-eclipse-temurin-17 AS build").contains("FROM eclipse-temurin:21-jre")
        .contains("HEALTHCHECK").contains("/healthz").contains("-XX:MaxRAMPercentage=75").contains("EXPOSE 8080");
    Matcher user = Pattern.compile("(?m)^USER (\\S+)").matcher(dockerfile);
    assertThat(user.find()).isTrue();
    assertThat(user.group(1)).doesNotStartWith("root").doesNotStartWith("0");
    assertThat(dockerfile).as("java is PID 1 and gets SIGTERM").contains("exec java");
  }

  @Test
  void theDashboardChartsTheGatewaySeriesAndOnlyThose() {
    JsonObject dashboard = new JsonObject(Yaml.read(DOCKER.resolve("grafana-dashboard.json")));
    Set<String> used = new HashSet<>();
    Pattern series = Pattern.compile("parley_[a-z_]+");
    for (Object p : dashboard.getJsonArray("panels")) {
      JsonArray targets = ((JsonObject) p).getJsonArray("targets");
      for (Object t : targets) {
        Matcher m = series.matcher(((JsonObject) t).getString("expr"));
        while (m.find()) {
          used.add(m.group().replaceAll("_(bucket|count|sum)$", ""));
        }
      }
    }
    assertThat(used).containsExactlyInAnyOrder("parley_http_requests_total", "parley_http_request_duration_seconds",
        "parley_upstream_request_duration_seconds", "parley_upstream_errors_total",
        "parley_stream_time_to_first_token_seconds", "parley_active_streams", "parley_store_operation_duration_seconds");
  }

  private List<String> ports(String service) {
    List<Object> ports = at(services, service, "ports");
    return ports.stream().map(Object::toString).toList();
  }

  private Map<String, String> environment(String service) {
    Map<String, Object> raw = at(services, service, "environment");
    Map<String, String> env = new HashMap<>();
    raw.forEach((k, v) -> env.put(k, String.valueOf(v)));
    return env;
  }
}
