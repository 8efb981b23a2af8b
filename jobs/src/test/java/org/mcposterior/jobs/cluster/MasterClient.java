package org.mcposterior.jobs.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * The standalone master's JSON state ({@code <web ui>/json/}: workers, running and completed
 * applications) over HTTP on loopback. Thread-safe.
 */
final class MasterClient {

  private final URI webUi;
  private final RunDirectory run;
  private final Supplier<String> diagnostics;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();

  MasterClient(URI webUi, RunDirectory run, Supplier<String> diagnostics) {
    this.webUi = webUi;
    this.run = run;
    this.diagnostics = diagnostics;
  }

  URI webUi() {
    return webUi;
  }

  /**
   * The state now.
   *
   * @throws ClusterException (trouble) if the master does not answer, with the cluster's diagnostics
   */
  JsonNode state() {
    try {
      return json.readTree(get(Duration.ofSeconds(10)).body());
    } catch (IOException e) {
      throw run.fail("cannot read the master's state at " + webUi + "/json/: " + e.getMessage()
          + "\n" + diagnostics.get(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw run.fail("interrupted while reading the master's state", e);
    }
  }

  /** Workers ALIVE while the cluster starts: 0 while the UI does not answer yet (the start timeout decides). */
  int aliveWorkersWhileStarting() {
    try {
      HttpResponse<String> r = get(Duration.ofSeconds(5));
      return r.statusCode() == 200 ? json.readTree(r.body()).path("aliveworkers").asInt(0) : 0;
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw run.fail("interrupted while waiting for workers", e);
    }
  }

  private HttpResponse<String> get(Duration timeout) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(webUi.resolve("/json/")).timeout(timeout).build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
