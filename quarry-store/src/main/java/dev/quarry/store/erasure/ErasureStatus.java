package dev.quarry.store.erasure;

import java.util.Locale;

/**
 * An erasure's progress, in order: {@link #REQUESTED} (receipt issued), {@link #DELETED} (matching
 * documents deleted: no longer searchable), {@link #PURGED} (their bytes are gone from the index
 * files, after a merge).
 */
public enum ErasureStatus {
  REQUESTED,
  DELETED,
  PURGED;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static ErasureStatus fromWire(String name) {
    for (ErasureStatus s : values()) {
      if (s.wireName().equals(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown erasure status '" + name + "'");
  }
}
