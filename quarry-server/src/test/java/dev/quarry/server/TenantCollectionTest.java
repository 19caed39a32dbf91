package dev.quarry.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.server.tenancy.TenantCollection;
import dev.quarry.store.tenant.TenantId;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TenantCollectionTest {

  @Test
  void engineNamesJoinTenantAndCollection() {
    TenantCollection c = new TenantCollection(TenantId.of("acme-eu"), "docs--v2");
    assertEquals("acme-eu--docs--v2", c.engineName());
    assertEquals(Optional.of(c), TenantCollection.ownedBy(TenantId.of("acme-eu"), c.engineName()));
  }

  @Test
  void noTenantRecognisesAnotherTenantsCollection() {
    List<String> tenants = List.of("a", "ab", "a-b", "acme", "acme-eu", "b");
    List<String> names = List.of("x", "b--x", "x-", "eu--docs", "a_b", "0");
    for (String owner : tenants) {
      for (String name : names) {
        String engineName = new TenantCollection(TenantId.of(owner), name).engineName();
        for (String other : tenants) {
          boolean owned = TenantCollection.ownedBy(TenantId.of(other), engineName).isPresent();
          assertEquals(other.equals(owner), owned, other + " recognising " + engineName);
        }
      }
    }
  }

  @Test
  void tenantIdsThatWouldMakeTheSeparatorAmbiguousAreRefused() {
    for (String bad : List.of("a--b", "a-", "-a", "A", "a_b", "x".repeat(32), "")) {
      assertThrows(InvalidInputException.class, () -> TenantCollection.requireApiTenant(bad), bad);
    }
    assertTrue(TenantCollection.requireApiTenant("x".repeat(31)).value().length() == 31);
  }

  @Test
  void collectionNamesFollowTheCliAndEngineRuleAndTheirEngineNamesAreValid() {
    assertThrows(InvalidInputException.class, () -> new TenantCollection(TenantId.of("a"), "x".repeat(65)));
    assertThrows(InvalidInputException.class, () -> new TenantCollection(TenantId.of("a"), "-x"));
    String longest = new TenantCollection(TenantId.of("t".repeat(31)), "c".repeat(64)).engineName();
    assertEquals(longest, new dev.quarry.engine.collection.CollectionName(longest).value());
  }
}
