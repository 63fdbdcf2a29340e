package io.parley.admin;

import io.parley.testing.Gateway;
import io.parley.testing.RecordingUpstream;
import io.parley.testing.ToolChain;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console in a real browser: headless Chromium (Debian's {@code chromium} and {@code chromium-driver})
 * driven by Selenium against the real gateway. Skipped, loudly, where Chromium is not installed; never
 * skipped on CI ({@code CI=true}), which installs it. Screenshots of the main views go to
 * {@code target/console-screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {

  private static final String CHROMIUM = "/usr/bin/chromium";
  private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
  private static final String ADMIN = "adm-browser-0123456789abcdef";
  private static final Path SHOTS = Path.of("target", "console-screenshots");

  private Vertx providerVertx;
  private RecordingUpstream provider;
  private Gateway gateway;
  private ChromeDriver browser;
  private WebDriverWait wait;
  private Path profile;
  private List<String> chain;
  private String fork;

  @BeforeAll
  void start() throws Exception {
    boolean installed = new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute();
    if (!installed) {
      String why = "CONSOLE BROWSER TEST NOT RUN: " + CHROMIUM + " and " + CHROMEDRIVER
          + " are needed (apt-get install -y chromium chromium-driver)";
      if ("true".equals(System.getenv("CI"))) {
        throw new AssertionError(why + "; on CI it must run, and .ci/run installs them");
      }
      System.err.println("\n*** " + why + " ***\n");
      Assumptions.abort(why);
    }
    providerVertx = Vertx.vertx();
    provider = new RecordingUpstream(providerVertx);
    gateway = Gateway.start(Map.of("PARLEY_UPSTREAM_URL", provider.baseUrl(), "PARLEY_ADMIN_KEY", ADMIN,
        "PARLEY_API_KEYS", "acme=sk-acme-browser"));
    Gateway acme = gateway.as("sk-acme-browser");
    chain = ToolChain.create(acme, provider, "gpt-console");
    provider.replyText("Then the day after is dry.");
    fork = acme.post("/v1/responses", new JsonObject().put("model", "gpt-console")
        .put("previous_response_id", chain.get(1)).put("input", "What about the day after?")).json().getString("id");

    profile = Files.createTempDirectory("parley-chromium-");
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM).addArguments("--headless", "--no-sandbox",
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--window-size=1400,1000", "--user-data-dir=" + profile);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
        .usingAnyFreePort().build();
    browser = new ChromeDriver(service, options);
    wait = new WebDriverWait(browser, Duration.ofSeconds(15));
    Files.createDirectories(SHOTS);
  }

  @AfterAll
  void stop() throws Exception {
    if (browser != null) {
      browser.quit();
    }
    if (gateway != null) {
      gateway.close();
      provider.close();
      providerVertx.close().await();
    }
    if (profile != null) {
      try (var files = Files.walk(profile)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  @Order(1)
  void signInAndSeeTheChainInTheList() throws Exception {
    browser.get(console(""));
    WebElement key = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("key")));
    key.sendKeys(ADMIN);
    browser.findElement(By.cssSelector("#login button[type=submit]")).click();

    wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("table.list tbody tr"), 4));
    assertThat(rowIds()).containsExactly(fork, chain.get(2), chain.get(1), chain.get(0));
    assertThat(text("#who")).isEqualTo("admin: every tenant");
    WebElement newest = browser.findElement(By.cssSelector("tr[data-id='" + chain.get(2) + "']"));
    assertThat(newest.getText()).contains("acme", "gpt-console", "completed", "3 cached", "affinity-hit", "And tomorrow?");
    assertThat(session("parley.consoleKey")).isEqualTo(ADMIN);
    shot("responses");
  }

  @Test
  @Order(2)
  void openTheTreeAndReadTheItems() throws Exception {
    browser.findElement(By.cssSelector("tr[data-id='" + chain.get(2) + "'] a.id")).click();

    wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("article.turn"), 4));
    assertThat(browser.getCurrentUrl()).endsWith("#/responses/" + chain.get(2));
    WebElement first = turn(chain.get(0));
    assertThat(first.findElement(By.cssSelector(".item.call")).getText()).contains("FUNCTION CALL", "get_weather", "\"city\": \"Paris\"");
    assertThat(first.findElement(By.cssSelector(".item.message.user")).getText()).contains("What is the weather in Paris?");
    WebElement second = turn(chain.get(1));
    assertThat(second.findElement(By.cssSelector(".item.call-output")).getText()).contains("call_paris", "\"sky\": \"sunny\"");
    assertThat(second.findElement(By.cssSelector(".item.message.assistant")).getText()).contains("It is sunny in Paris");
    WebElement focus = browser.findElement(By.cssSelector("article.turn.focus"));
    assertThat(focus.getAttribute("data-id")).isEqualTo(chain.get(2));
    assertThat(focus.findElement(By.cssSelector(".usage")).getText()).contains("11 in", "3 cached", "7 out");
    assertThat(focus.findElement(By.cssSelector(".cache")).getText()).isEqualTo("affinity-hit");
    assertThat(browser.findElements(By.cssSelector(".fork section.branch"))).hasSize(2);
    assertThat(text(".fork-label")).startsWith("2 branches");
    shot("chain");
  }

  @Test
  @Order(3)
  void aDeepLinkOpensThatResponsesChain() {
    browser.get(console("#/responses/" + chain.get(0)));
    wait.until(ExpectedConditions.attributeToBe(By.cssSelector("article.turn.focus"), "data-id", chain.get(0)));
    assertThat(browser.findElements(By.cssSelector("article.turn"))).hasSize(4);
  }

  @Test
  @Order(4)
  void aKeyInTheAddressMovesToSessionStorageAndLeavesTheAddressBar() {
    browser.findElement(By.id("logout")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("key")));
    assertThat(session("parley.consoleKey")).isNull();

    browser.get(console("?key=sk-acme-browser#/responses"));

    wait.until(ExpectedConditions.textToBe(By.id("who"), "tenant acme"));
    assertThat(browser.getCurrentUrl()).doesNotContain("key=").endsWith("/console#/responses");
    assertThat(session("parley.consoleKey")).isEqualTo("sk-acme-browser");
    wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("table.list tbody tr"), 4));
  }

  @Test
  @Order(5)
  void cancelABackgroundRunFromThePage() throws Exception {
    browser.findElement(By.id("logout")).click();
    wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("key"))).sendKeys(ADMIN);
    browser.findElement(By.cssSelector("#login button[type=submit]")).click();
    wait.until(ExpectedConditions.textToBe(By.id("who"), "admin: every tenant"));
    provider.behave((body, response) -> { }); // the provider holds the run: it stays in progress until cancelled
    String id = gateway.as("sk-acme-browser").post("/v1/responses", new JsonObject().put("model", "gpt-console")
        .put("background", true).put("input", "Write a long report.")).json().getString("id");

    browser.get(console("#/background"));
    By cancel = By.cssSelector("tr[data-id='" + id + "'] button.cancel");
    wait.until(ExpectedConditions.elementToBeClickable(cancel));
    assertThat(browser.findElement(By.cssSelector("tr[data-id='" + id + "']")).getText()).containsAnyOf("queued", "in_progress");
    shot("background");
    browser.findElement(cancel).click();

    wait.until(ExpectedConditions.textToBe(By.cssSelector("tr[data-id='" + id + "'] .badge"), "cancelled"));
    assertThat(browser.findElements(cancel)).isEmpty();
    assertThat(gateway.as("sk-acme-browser").get("/v1/responses/" + id).json().getString("status")).isEqualTo("cancelled");
    provider.reset();
  }

  @Test
  @Order(6)
  void liveFiguresAreCharted() throws Exception {
    browser.get(console("#/live"));
    wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("figure.figure svg.chart"), 6));
    wait.until(d -> !d.findElements(By.cssSelector("figure[data-figure=requests_per_s] path.line")).isEmpty());
    assertThat(text("figure[data-figure=requests_per_s] figcaption")).startsWith("requests / s");
    shot("live");
  }

  private String console(String rest) {
    return "http://127.0.0.1:" + gateway.port() + "/console" + rest;
  }

  private List<String> rowIds() {
    return browser.findElements(By.cssSelector("table.list tbody tr")).stream().map(r -> r.getAttribute("data-id")).toList();
  }

  private WebElement turn(String id) {
    return browser.findElement(By.cssSelector("article.turn[data-id='" + id + "']"));
  }

  private String text(String css) {
    return browser.findElement(By.cssSelector(css)).getText();
  }

  private String session(String name) {
    return (String) ((JavascriptExecutor) browser).executeScript("return sessionStorage.getItem(arguments[0])", name);
  }

  private void shot(String name) throws Exception {
    File png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
    Files.copy(png.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
  }
}
