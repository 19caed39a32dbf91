package dev.quarry.server.budget;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quarry.llm.testing.ScriptedOpenAiServer;
import dev.quarry.runtime.AnswerSettings;
import dev.quarry.server.TestApi;
import dev.quarry.server.config.RuntimeConfig;
import dev.quarry.server.config.StoreConfig;
import dev.quarry.store.jdbc.PostgresSettings;
import dev.quarry.store.jdbc.PostgresTestServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The budget floor on PostgreSQL with two servers sharing the store, as two instances of a scaled
 * deployment do: the 50 calls are spread over both, so only the reservation in the database (not
 * anything in one process's memory) can keep them within the budget.
 */
class PostgresBudgetFloorTest {

  static PostgresTestServer postgres;

  @BeforeAll
  static void startPostgres() {
    postgres = PostgresTestServer.start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    if (postgres != null) {
      postgres.close();
    }
  }

  @Test
  void fiftyParallelCallsOverTwoServersAgainstABudgetForTenSpendAtMostTheBudget() throws Exception {
    try (ScriptedOpenAiServer upstream = ScriptedOpenAiServer.start()) {
      upstream.respondByDefault(BudgetFloor.reply());
      StoreConfig store = new StoreConfig.Postgres(PostgresSettings.of(postgres.jdbcUrl(), "postgres")
          .withSchema("budget_floor"));
      RuntimeConfig runtime = new RuntimeConfig(BudgetFloor.llm(upstream), AnswerSettings.DEFAULT);
      try (TestApi a = TestApi.start(c -> c.withStore(store).withRuntime(runtime));
          TestApi b = TestApi.start(c -> c.withStore(store).withRuntime(runtime))) {
        String key = a.tenantKey("acme", "search");
        long budget = BudgetFloor.ALLOWED * BudgetFloor.worstCase();
        assertEquals(200, a.json("PUT", "/v1/tenants/acme/budget", TestApi.ADMIN,
            "{\"tokens_per_day\":" + budget + "}").status());
        List<BudgetFloor.Outcome> outcomes = BudgetFloor.run(List.of(a.port(), b.port()), key);
        b.json("GET", "/v1/usage", key, null); // b writes the calls it settled
        JsonNode usage = a.json("GET", "/v1/usage", key, null).body();
        BudgetFloor.check(outcomes, usage, budget, upstream.requests().size());
      }
    }
  }
}
