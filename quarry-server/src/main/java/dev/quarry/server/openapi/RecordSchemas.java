package dev.quarry.server.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quarry.server.http.JsonCodec;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * JSON Schemas of request body records, derived by reflection the way {@link JsonCodec} binds them:
 * one property per record component under its wire name, {@code additionalProperties: false} (the
 * codec rejects unknown fields), enums as their values in lower case (the codec matches enum names
 * case-insensitively; responses write them in lower case), nested records as their own component
 * schemas, {@link JsonNode} as any value. A component type with no JSON mapping fails with the
 * record and component named, rather than being described wrongly.
 */
final class RecordSchemas {

  static final String REF_PREFIX = "#/components/schemas/";

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final JsonCodec json;
  private final Map<String, Class<?>> owners = new TreeMap<>();
  private final Map<String, ObjectNode> schemas = new TreeMap<>();

  RecordSchemas(JsonCodec json) {
    this.json = json;
  }

  /**
   * A reference to {@code type}'s schema, defined on first use; {@code required} lists wire names
   * the handler insists on, checked against the record's properties.
   */
  ObjectNode bodyRef(Class<? extends Record> type, List<String> required, String usedBy) {
    ObjectNode ref = ref(type);
    ObjectNode schema = schemas.get(type.getSimpleName());
    List<String> names = new ArrayList<>();
    schema.get("properties").properties().forEach(e -> names.add(e.getKey()));
    for (String r : required) {
      if (!names.contains(r)) {
        throw new IllegalArgumentException(usedBy + ": required field '" + r + "' is not a property of "
            + type.getSimpleName() + " (its properties: " + String.join(", ", names) + ")");
      }
    }
    if (!required.isEmpty()) {
      ArrayNode list = NODES.arrayNode();
      required.forEach(list::add);
      JsonNode before = schema.get("required");
      if (before != null && !before.equals(list)) {
        throw new IllegalArgumentException(usedBy + ": " + type.getSimpleName() + " is required as " + list
            + " here and as " + before + " by another route; use one record per body");
      }
      schema.set("required", list);
    }
    return ref;
  }

  /** The component schemas defined so far, by name. */
  Map<String, ObjectNode> schemas() {
    return schemas;
  }

  private ObjectNode ref(Class<?> type) {
    String name = type.getSimpleName();
    Class<?> owner = owners.get(name);
    if (owner != null && owner != type) {
      throw new IllegalArgumentException("two body records are named " + name + " (" + owner.getName()
          + " and " + type.getName() + "); component schemas are named by simple name, rename one");
    }
    if (owner == null) {
      owners.put(name, type);
      ObjectNode schema = NODES.objectNode();
      schemas.put(name, schema); // before the components: a record may contain itself
      schema.put("type", "object");
      ObjectNode properties = schema.putObject("properties");
      for (RecordComponent c : type.getRecordComponents()) {
        properties.set(json.propertyName(c.getName()), schemaOf(c.getGenericType(), name + "." + c.getName()));
      }
      schema.put("additionalProperties", false);
    }
    ObjectNode ref = NODES.objectNode();
    ref.put("$ref", REF_PREFIX + name);
    return ref;
  }

  private ObjectNode schemaOf(Type type, String where) {
    if (type instanceof Class<?> c) {
      return schemaOfClass(c, where);
    }
    if (type instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw) {
      Type[] args = p.getActualTypeArguments();
      if (raw == List.class || raw == Set.class || raw == Collection.class) {
        ObjectNode s = typed("array");
        s.set("items", schemaOf(args[0], where + "[]"));
        if (raw == Set.class) {
          s.put("uniqueItems", true);
        }
        return s;
      }
      if (raw == Map.class && args[0] == String.class) {
        ObjectNode s = typed("object");
        s.set("additionalProperties", schemaOf(args[1], where + "{}"));
        return s;
      }
    }
    if (type instanceof GenericArrayType a) {
      ObjectNode s = typed("array");
      s.set("items", schemaOf(a.getGenericComponentType(), where + "[]"));
      return s;
    }
    throw unsupported(type, where);
  }

  private ObjectNode schemaOfClass(Class<?> c, String where) {
    if (c == String.class) {
      return typed("string");
    }
    if (c == Integer.class || c == int.class || c == Short.class || c == short.class) {
      return format(typed("integer"), "int32");
    }
    if (c == Long.class || c == long.class) {
      return format(typed("integer"), "int64");
    }
    if (c == java.math.BigDecimal.class) {
      return typed("number"); // decimal: read exactly, never through a double
    }
    if (c == Double.class || c == double.class) {
      return format(typed("number"), "double");
    }
    if (c == Float.class || c == float.class) {
      return format(typed("number"), "float");
    }
    if (c == Boolean.class || c == boolean.class) {
      return typed("boolean");
    }
    if (c == UUID.class) {
      return format(typed("string"), "uuid");
    }
    if (JsonNode.class.isAssignableFrom(c)) {
      return NODES.objectNode(); // any JSON value; the handler reads it
    }
    if (c.isEnum()) {
      ObjectNode s = typed("string");
      ArrayNode values = s.putArray("enum");
      for (Object constant : c.getEnumConstants()) {
        values.add(((Enum<?>) constant).name().toLowerCase(Locale.ROOT));
      }
      return s;
    }
    if (c.isRecord()) {
      return ref(c);
    }
    if (c.isArray() && c.getComponentType() != byte.class) {
      ObjectNode s = typed("array");
      s.set("items", schemaOfClass(c.getComponentType(), where + "[]"));
      return s;
    }
    throw unsupported(c, where);
  }

  private static IllegalArgumentException unsupported(Type type, String where) {
    return new IllegalArgumentException("cannot describe " + where + " of type " + type.getTypeName()
        + " in JSON Schema: use String, a number, Boolean, an enum, UUID, List, Set, "
        + "Map<String, ?>, JsonNode or a record");
  }

  private static ObjectNode typed(String type) {
    ObjectNode s = NODES.objectNode();
    s.put("type", type);
    return s;
  }

  private static ObjectNode format(ObjectNode s, String format) {
    s.put("format", format);
    return s;
  }
}
