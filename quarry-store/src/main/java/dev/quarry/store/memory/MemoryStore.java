package dev.quarry.store.memory;

import dev.quarry.store.Page;
import dev.quarry.store.PageRequest;
import dev.quarry.store.tenant.TenantId;
import java.util.List;
import java.util.Optional;

/** Long-term memories: facts about the end users of a tenant. */
public interface MemoryStore {

  /** The most memories one end user may have; {@link #ofUser} reads them all. */
  int MAX_PER_USER = 1000;

  /**
   * Stores a memory; {@code NotFoundException} for an unknown tenant, {@code ConflictException}
   * when the user already has {@link #MAX_PER_USER}.
   */
  Memory add(TenantId tenant, NewMemory memory);

  Optional<Memory> find(TenantId tenant, String id);

  /** The tenant's memories, newest first, of {@code user} only when one is given. */
  Page<Memory> list(TenantId tenant, Optional<String> user, PageRequest page);

  /** Every memory of an end user (at most {@link #MAX_PER_USER}), to search them. */
  List<Memory> ofUser(TenantId tenant, String user);

  boolean delete(TenantId tenant, String id);

  /** Deletes every memory of an end user; returns how many. */
  long deleteOfUser(TenantId tenant, String user);
}
