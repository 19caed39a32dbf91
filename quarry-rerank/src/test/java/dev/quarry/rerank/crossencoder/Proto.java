package dev.quarry.rerank.crossencoder;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Just enough of the protobuf wire format to write an ONNX ModelProto: varints, 64-bit ints,
 * packed floats and int64s, strings and nested messages. Field numbers are onnx.proto's.
 */
final class Proto {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();

  private void tag(int field, int wireType) {
    varint(((long) field << 3) | wireType);
  }

  private void varint(long v) {
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  Proto int64(int field, long v) {
    tag(field, 0);
    varint(v);
    return this;
  }

  Proto string(int field, String s) {
    return bytes(field, s.getBytes(StandardCharsets.UTF_8));
  }

  Proto bytes(int field, byte[] b) {
    tag(field, 2);
    varint(b.length);
    out.writeBytes(b);
    return this;
  }

  Proto message(int field, Proto m) {
    return bytes(field, m.toBytes());
  }

  Proto packedFloats(int field, float[] values) {
    byte[] b = new byte[values.length * 4];
    for (int i = 0; i < values.length; i++) {
      int bits = Float.floatToIntBits(values[i]);
      b[4 * i] = (byte) bits;
      b[4 * i + 1] = (byte) (bits >>> 8);
      b[4 * i + 2] = (byte) (bits >>> 16);
      b[4 * i + 3] = (byte) (bits >>> 24);
    }
    return bytes(field, b);
  }

  Proto packedInt64s(int field, long[] values) {
    Proto inner = new Proto();
    for (long v : values) {
      inner.varint(v);
    }
    return bytes(field, inner.toBytes());
  }

  byte[] toBytes() {
    return out.toByteArray();
  }
}
