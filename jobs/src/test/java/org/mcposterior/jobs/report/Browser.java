package org.mcposterior.jobs.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real headless Chromium (Debian's {@code chromium}, installed by {@code bin/test}) driven over
 * its DevTools protocol, for tests that look at a page as a person would: it loads a file, records
 * every network request the page makes, evaluates DOM checks after rendering and takes a full-page
 * screenshot. Started with a fresh empty profile and everything that phones home switched off.
 */
final class Browser implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final WebSocket socket;
  private final AtomicInteger ids = new AtomicInteger();
  private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private volatile CountDownLatch loaded = new CountDownLatch(1);

  /** The chromium binary, or null when none is installed. */
  static String binary() {
    for (String b : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")) {
      if (Files.isExecutable(Path.of(b))) {
        return b;
      }
    }
    return null;
  }

  Browser(Path profile) throws Exception {
    String bin = binary();
    if (bin == null) {
      throw new IllegalStateException("no chromium installed; bin/test installs Debian's chromium (apt-get install chromium)");
    }
    Files.createDirectories(profile);
    process = new ProcessBuilder(bin, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
        "--disable-default-apps", "--user-data-dir=" + profile, "--remote-debugging-port=0",
        "--remote-allow-origins=*", "--window-size=1400,1000", "about:blank")
        .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
    String ws = null;
    BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    StringBuilder seen = new StringBuilder();
    while (System.nanoTime() < deadline) {
      String line = err.readLine();
      if (line == null) {
        break;
      }
      seen.append(line).append('\n');
      int at = line.indexOf("ws://");
      if (line.contains("DevTools listening on") && at >= 0) {
        ws = line.substring(at).trim();
        break;
      }
    }
    if (ws == null) {
      process.destroyForcibly();
      throw new IllegalStateException("chromium did not open its DevTools port; its output:\n" + seen);
    }
    Thread drain = new Thread(() -> {
      try {
        while (err.readLine() != null) {
          // keep the pipe empty
        }
      } catch (IOException ignored) {
        // the browser has exited
      }
    }, "chromium-stderr");
    drain.setDaemon(true);
    drain.start();
    URI browserUri = URI.create(ws);
    HttpClient http = HttpClient.newHttpClient();
    String list = http.send(HttpRequest.newBuilder(URI.create("http://" + browserUri.getAuthority() + "/json/list"))
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()).body();
    String pageWs = null;
    for (JsonNode t : JSON.readTree(list)) {
      if ("page".equals(t.path("type").asText())) {
        pageWs = t.path("webSocketDebuggerUrl").asText();
        break;
      }
    }
    if (pageWs == null) {
      close();
      throw new IllegalStateException("chromium has no page target: " + list);
    }
    socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(20))
        .buildAsync(URI.create(pageWs), new Listener()).get(30, TimeUnit.SECONDS);
    call("Network.enable", JSON.createObjectNode());
    call("Page.enable", JSON.createObjectNode());
  }

  private final class Listener implements WebSocket.Listener {
    private final StringBuilder text = new StringBuilder();

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
      text.append(data);
      if (last) {
        String msg = text.toString();
        text.setLength(0);
        try {
          JsonNode m = JSON.readTree(msg);
          if (m.has("id")) {
            CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
            if (f != null) {
              f.complete(m);
            }
          } else {
            String method = m.path("method").asText();
            if (method.equals("Network.requestWillBeSent")) {
              requests.add(m.path("params").path("request").path("url").asText());
            } else if (method.equals("Page.loadEventFired")) {
              loaded.countDown();
            }
          }
        } catch (IOException e) {
          throw new IllegalStateException("bad DevTools message: " + msg, e);
        }
      }
      ws.request(1);
      return null;
    }
  }

  /** Sends a DevTools command and waits for its result. */
  JsonNode call(String method, ObjectNode params) throws Exception {
    int id = ids.incrementAndGet();
    CompletableFuture<JsonNode> f = new CompletableFuture<>();
    pending.put(id, f);
    ObjectNode msg = JSON.createObjectNode().put("id", id).put("method", method);
    msg.set("params", params);
    socket.sendText(JSON.writeValueAsString(msg), true).get(30, TimeUnit.SECONDS);
    JsonNode r = f.get(120, TimeUnit.SECONDS);
    if (r.has("error")) {
      throw new IllegalStateException(method + " failed: " + r.get("error"));
    }
    return r.get("result");
  }

  /** Opens a local file and waits for its load event. */
  void open(Path file) throws Exception {
    loaded = new CountDownLatch(1);
    requests.clear();
    call("Page.navigate", JSON.createObjectNode().put("url", file.toUri().toString()));
    if (!loaded.await(120, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the page " + file + " did not finish loading");
    }
  }

  /** Every URL the page requested since {@link #open}, the page itself included. */
  List<String> requests() {
    return new ArrayList<>(requests);
  }

  /** Evaluates a JavaScript expression in the page (DevTools, not the page's own scripts) and returns its JSON value. */
  JsonNode evaluate(String expression) throws Exception {
    JsonNode r = call("Runtime.evaluate", JSON.createObjectNode().put("expression", expression)
        .put("returnByValue", true));
    if (r.has("exceptionDetails")) {
      throw new IllegalStateException("evaluation failed: " + r.get("exceptionDetails"));
    }
    return r.path("result").path("value");
  }

  /** A screenshot of the whole page, written as PNG. */
  void screenshot(Path png) throws Exception {
    JsonNode metrics = call("Page.getLayoutMetrics", JSON.createObjectNode());
    JsonNode size = metrics.has("cssContentSize") ? metrics.get("cssContentSize") : metrics.get("contentSize");
    ObjectNode clip = JSON.createObjectNode().put("x", 0).put("y", 0).put("width", size.get("width").asDouble())
        .put("height", Math.min(16000, size.get("height").asDouble())).put("scale", 1);
    ObjectNode p = JSON.createObjectNode().put("format", "png").put("captureBeyondViewport", true);
    p.set("clip", clip);
    String data = call("Page.captureScreenshot", p).get("data").asText();
    Files.createDirectories(png.getParent());
    Files.write(png, Base64.getDecoder().decode(data));
  }

  @Override
  public void close() {
    if (socket != null) {
      socket.abort();
    }
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    try {
      process.waitFor(20, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
