package io.parley.ops;

import io.parley.config.ConfigLoader;
import io.parley.config.ParleyConfig;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.parley.ops.Yaml.at;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * k8s/: the raw base manifests are parsed and checked (probes, resources, security context, drain
 * timing); when kubectl is installed, both overlays are rendered with {@code kubectl kustomize} and the
 * rendered Deployment is checked the same way.
 */
class KubernetesManifestsTest {

  private static final Path BASE = Path.of("k8s", "base");

  @Test
  void theBaseDeploymentHasProbesResourcesAndARestrictedSecurityContext() {
    checkDeployment(base(), Map.of());
  }

  @Test
  void theBaseIsComplete() {
    Map<String, Map<String, Object>> byKind = new HashMap<>();
    base().forEach(doc -> byKind.put((String) doc.get("kind"), doc));
    assertThat(byKind).containsKeys("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget",
        "NetworkPolicy");
    Map<String, Object> podLabels = at(byKind.get("Deployment"), "spec", "template", "metadata", "labels");
    assertThat(podLabels).containsAllEntriesOf(at(byKind.get("Deployment"), "spec", "selector", "matchLabels"));
    assertThat(podLabels).containsAllEntriesOf(at(byKind.get("Service"), "spec", "selector"));
    assertThat(podLabels).containsAllEntriesOf(at(byKind.get("PodDisruptionBudget"), "spec", "selector", "matchLabels"));
    assertThat(podLabels).containsAllEntriesOf(at(byKind.get("NetworkPolicy"), "spec", "podSelector", "matchLabels"));
    assertThat((Object) at(byKind.get("Service"), "spec", "ports", 0, "targetPort")).isEqualTo("http");
    assertThat((Object) at(byKind.get("HorizontalPodAutoscaler"), "spec", "scaleTargetRef", "name")).isEqualTo("parley");
    assertThat((Integer) at(byKind.get("HorizontalPodAutoscaler"), "spec", "minReplicas")).isGreaterThanOrEqualTo(3);
    assertThat((Object) at(byKind.get("NetworkPolicy"), "spec", "ingress", 0, "ports", 0, "port")).isEqualTo(8080);

    Map<String, Object> kustomization = Yaml.load(BASE.resolve("kustomization.yaml"));
    assertThat((List<Object>) at(kustomization, "configMapGenerator", 0, "files")).containsExactly("parley.json");
  }

  @Test
  void theConfigMapFileIsConfParleyJson() {
    assertThat(new JsonObject(Yaml.read(BASE.resolve("parley.json"))))
        .as("k8s/base/parley.json must stay a copy of conf/parley.json")
        .isEqualTo(new JsonObject(Yaml.read(Path.of("conf", "parley.json"))));
  }

  @Test
  void theOverlaysPointAtRedis() {
    String dev = Yaml.read(Path.of("k8s", "overlays", "dev", "redis.yaml"));
    assertThat(Yaml.loadAll(dev)).anyMatch(doc -> "StatefulSet".equals(doc.get("kind")));
    Map<String, Object> devPatch = Yaml.load(Path.of("k8s", "overlays", "dev", "deployment-redis.yaml"));
    assertThat(env(container(devPatch))).containsKey("PARLEY_REDIS_URL");
    Map<String, Object> prodPatch = Yaml.load(Path.of("k8s", "overlays", "prod", "deployment-secrets.yaml"));
    List<Map<String, Object>> prodEnv = at(container(prodPatch), "env");
    assertThat(prodEnv).anySatisfy(e -> {
      assertThat(e.get("name")).isEqualTo("PARLEY_REDIS_URL");
      assertThat((Object) at(e, "valueFrom", "secretKeyRef", "name")).isEqualTo("parley-redis");
    });
  }

  @Test
  void theOverlaysRenderWithKubectl() throws Exception {
    Assumptions.assumeTrue(onPath("kubectl"), "kubectl is not installed; the raw manifests are checked instead");
    for (String overlay : List.of("dev", "prod")) {
      List<Map<String, Object>> rendered = Yaml.loadAll(kustomize("k8s/overlays/" + overlay));
      Map<String, String> extra = overlay.equals("dev") ? Map.of() : Map.of("PARLEY_REDIS_URL", "rediss://r:6380",
          "PARLEY_UPSTREAM_URL", "https://api.example.com/v1");
      checkDeployment(rendered, extra);
      assertThat(rendered).anyMatch(doc -> "ConfigMap".equals(doc.get("kind"))
          && ((String) at(doc, "metadata", "name")).startsWith("parley-config-"));
      if (overlay.equals("dev")) {
        assertThat(rendered).anyMatch(doc -> "StatefulSet".equals(doc.get("kind")));
      }
    }
  }

  /** The checks that matter for a safe rollout, on the Deployment among {@code docs}. */
  private static void checkDeployment(List<Map<String, Object>> docs, Map<String, String> secretValues) {
    Map<String, Object> deployment = docs.stream().filter(d -> "Deployment".equals(d.get("kind"))
        && "parley".equals(at(d, "metadata", "name"))).findFirst().orElseThrow();
    assertThat((Integer) at(deployment, "spec", "replicas")).isEqualTo(3);
    Map<String, Object> pod = at(deployment, "spec", "template", "spec");
    Map<String, Object> container = at(pod, "containers", 0);

    assertThat((Object) at(container, "readinessProbe", "httpGet", "path")).isEqualTo("/readyz");
    assertThat((Object) at(container, "livenessProbe", "httpGet", "path")).isEqualTo("/healthz");
    assertThat((Object) at(container, "ports", 0, "containerPort")).isEqualTo(8080);
    for (String kind : List.of("requests", "limits")) {
      assertThat((Map<String, Object>) at(container, "resources", kind)).as(kind).containsKey("memory");
    }
    assertThat((Map<String, Object>) at(container, "resources", "requests")).containsKey("cpu");

    assertThat((Object) at(pod, "securityContext", "runAsNonRoot")).isEqualTo(true);
    assertThat((Object) at(container, "securityContext", "readOnlyRootFilesystem")).isEqualTo(true);
    assertThat((Object) at(container, "securityContext", "allowPrivilegeEscalation")).isEqualTo(false);
    assertThat((List<Object>) at(container, "securityContext", "capabilities", "drop")).contains("ALL");
    List<Map<String, Object>> mounts = at(container, "volumeMounts");
    String tmpVolume = mounts.stream().filter(m -> "/tmp".equals(m.get("mountPath"))).map(m -> (String) m.get("name"))
        .findFirst().orElseThrow(() -> new AssertionError("no writable /tmp"));
    List<Map<String, Object>> volumes = at(pod, "volumes");
    assertThat(volumes).anyMatch(v -> tmpVolume.equals(v.get("name")) && v.containsKey("emptyDir"));
    assertThat((List<Object>) at(pod, "topologySpreadConstraints")).isNotEmpty();

    // The drain fits in the grace period: preStop sleep, then Parley's delay and grace, before SIGKILL.
    ParleyConfig config = effectiveConfig(container, secretValues);
    List<Object> preStop = at(container, "lifecycle", "preStop", "exec", "command");
    assertThat(preStop).first().isEqualTo("sleep");
    long preStopSeconds = Long.parseLong(preStop.get(1).toString());
    int terminationGrace = at(pod, "terminationGracePeriodSeconds");
    assertThat((long) terminationGrace).as("terminationGracePeriodSeconds")
        .isGreaterThan(preStopSeconds + config.shutdownDelay().toSeconds() + config.shutdownGrace().toSeconds());
  }

  /** The configuration the container would start with: the ConfigMap's file, overridden by its env. */
  private static ParleyConfig effectiveConfig(Map<String, Object> container, Map<String, String> secretValues) {
    Map<String, String> env = env(container);
    assertThat(ConfigLoader.unknownVariables(env)).isEmpty();
    env.replaceAll((name, value) -> value != null ? value : secretValues.get(name));
    env.values().removeIf(v -> v == null);
    env.put(ConfigLoader.CONFIG_PATH_ENV, BASE.resolve("parley.json").toString());
    ParleyConfig config = ConfigLoader.load(env);
    assertThat(config.port()).isEqualTo(8080);
    return config;
  }

  private static Map<String, String> env(Map<String, Object> container) {
    Map<String, String> env = new HashMap<>();
    List<Map<String, Object>> entries = at(container, "env");
    for (Map<String, Object> entry : entries == null ? List.<Map<String, Object>>of() : entries) {
      env.put((String) entry.get("name"), (String) entry.get("value"));
    }
    return env;
  }

  private static Map<String, Object> container(Map<String, Object> deployment) {
    return at(deployment, "spec", "template", "spec", "containers", 0);
  }

  private static List<Map<String, Object>> base() {
    Map<String, Object> kustomization = Yaml.load(BASE.resolve("kustomization.yaml"));
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object resource : (List<Object>) kustomization.get("resources")) {
      docs.addAll(Yaml.loadAll(Yaml.read(BASE.resolve(resource.toString()))));
    }
    return docs;
  }

  private static boolean onPath(String command) {
    String path = System.getenv("PATH");
    return path != null && List.of(path.split(File.pathSeparator)).stream()
        .anyMatch(dir -> new File(dir, command).canExecute());
  }

  private static String kustomize(String dir) throws Exception {
    Process process = new ProcessBuilder("kubectl", "kustomize", dir).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("kubectl kustomize " + dir + ":\n" + out).isZero();
    return out;
  }
}
