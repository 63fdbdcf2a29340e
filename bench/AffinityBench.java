import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Drives a running Parley with N concurrent multi-turn conversations (each one a previous_response_id
 * chain, turns sent one after another) and reports the fraction of input tokens the provider said it
 * served from its prompt cache (usage.input_tokens_details.cached_tokens / usage.input_tokens), and how
 * the x-parley-cache headers came out.
 *
 * java bench/AffinityBench.java http://127.0.0.1:8080 32 20
 */
public final class AffinityBench {

  private static final Pattern ID = Pattern.compile("\"id\":\"(resp_[0-9a-f]+)\"");
  private static final Pattern INPUT = Pattern.compile("\"input_tokens\":(\\d+)");
  private static final Pattern CACHED = Pattern.compile("\"cached_tokens\":(\\d+)");
  private static final String SYSTEM = "You are a helpful assistant for a travel agency. Answer briefly, ask one "
      + "follow-up question when the request is ambiguous, and never invent prices or availability.";

  public static void main(String[] args) throws Exception {
    String base = args.length > 0 ? args[0] : "http://127.0.0.1:8080";
    int conversations = args.length > 1 ? Integer.parseInt(args[1]) : 32;
    int turns = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    AtomicLong input = new AtomicLong();
    AtomicLong cached = new AtomicLong();
    AtomicLong hits = new AtomicLong();
    AtomicLong moved = new AtomicLong();
    AtomicLong misses = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(conversations);
    long start = System.nanoTime();
    List<Future<?>> running = new ArrayList<>();
    for (int c = 0; c < conversations; c++) {
      int conversation = c;
      running.add(pool.submit(() -> {
        String previous = null;
        for (int t = 0; t < turns; t++) {
          String body = "{\"model\":\"mock\",\"instructions\":\"" + SYSTEM + "\",\"input\":\"Conversation " + conversation
              + ", message " + t + ": I would like to plan a trip with a few stops, what do you suggest next?\""
              + (previous == null ? "" : ",\"previous_response_id\":\"" + previous + "\"") + "}";
          HttpResponse<String> reply = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/responses"))
              .timeout(Duration.ofSeconds(60)).header("content-type", "application/json")
              .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
          if (reply.statusCode() != 200) {
            throw new IllegalStateException("HTTP " + reply.statusCode() + ": " + reply.body());
          }
          previous = first(ID, reply.body());
          input.addAndGet(Long.parseLong(first(INPUT, reply.body())));
          cached.addAndGet(Long.parseLong(first(CACHED, reply.body())));
          String placement = reply.headers().firstValue("x-parley-cache").orElse("");
          (placement.startsWith("affinity-hit") ? hits : placement.startsWith("moved") ? moved : misses).incrementAndGet();
        }
        return null;
      }));
    }
    for (Future<?> f : running) {
      f.get();
    }
    pool.shutdown();
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("conversations=%d turns=%d requests=%d in %.1fs%n", conversations, turns, conversations * turns, seconds);
    System.out.printf("input_tokens=%d cached_tokens=%d cached_fraction=%.1f%%%n", input.get(), cached.get(),
        100.0 * cached.get() / input.get());
    System.out.printf("x-parley-cache: affinity-hit=%d moved=%d miss=%d%n", hits.get(), moved.get(), misses.get());
  }

  private static String first(Pattern pattern, String body) {
    Matcher m = pattern.matcher(body);
    if (!m.find()) {
      throw new IllegalStateException(pattern + " not in " + body);
    }
    return m.group(1);
  }
}
