package dev.quarry.store.jdbc;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.store.tenant.TenantId;
import dev.quarry.store.usage.DailyUsage;
import dev.quarry.store.usage.Meter;
import dev.quarry.store.usage.UsageDelta;
import dev.quarry.store.usage.UsageStore;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

final class JdbcUsageStore implements UsageStore {

  /**
   * One delta: insert the counter or add to it. The SELECT (with the WHERE clause SQLite needs to
   * parse an upsert after a SELECT) skips tenants deleted since the delta was counted, so one
   * deleted tenant cannot make a whole flush fail on its foreign key.
   */
  private static final String ADD = "INSERT INTO usage_counters (tenant_id, day, meter, value)"
      + " SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM tenants WHERE id = ?)"
      + " ON CONFLICT (tenant_id, day, meter) DO UPDATE SET value = usage_counters.value + excluded.value";

  private final Database db;

  JdbcUsageStore(Database db) {
    this.db = db;
  }

  @Override
  public void add(Collection<UsageDelta> deltas) {
    if (deltas.isEmpty()) {
      return;
    }
    List<UsageDelta> all = List.copyOf(deltas);
    db.write("adding " + all.size() + " usage counts", c -> {
      for (UsageDelta d : all) {
        Jdbc.update(c, ADD, d.tenant().value(), d.day().toString(), d.meter().wireName(), d.amount(),
            d.tenant().value());
      }
      return null;
    });
  }

  @Override
  public List<DailyUsage> days(TenantId tenant, LocalDate from, LocalDate to) {
    UsageStore.requireStorable(from, "from");
    UsageStore.requireStorable(to, "to");
    if (from.isAfter(to)) {
      throw new InvalidInputException("from (" + from + ") must not be after to (" + to + ")");
    }
    Map<LocalDate, Map<Meter, Long>> byDay = new TreeMap<>();
    db.read("reading the usage of tenant '" + tenant + "'", c -> Jdbc.list(c,
        "SELECT day, meter, value FROM usage_counters WHERE tenant_id = ? AND day >= ? AND day <= ?",
        rs -> {
          // a meter this version does not know was written by a newer Quarry on the same database
          Optional<Meter> meter = Meter.fromWire(rs.getString("meter"));
          if (meter.isPresent()) {
            byDay.computeIfAbsent(LocalDate.parse(rs.getString("day")), d -> new EnumMap<>(Meter.class))
                .put(meter.get(), rs.getLong("value"));
          }
          return meter;
        },
        tenant.value(), from.toString(), to.toString()));
    List<DailyUsage> out = new ArrayList<>(byDay.size());
    byDay.forEach((day, counts) -> out.add(new DailyUsage(day, counts)));
    return out;
  }
}
