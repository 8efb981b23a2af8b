package org.mcposterior.settings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The settings values' contract: defaults, checks, the JSON round trip with sections, and serialization. */
class SettingValuesTest {
  enum Colour { RED, GREEN }

  static final Setting<Integer> COUNT = Setting.of("count", SettingType.INT, 3).option("--count")
      .check(v -> v > 0, v -> "--count = " + v + "; expected a positive count").build();
  static final Setting<Double> P = Setting.of("p", SettingType.OPTIONAL_PROBABILITY, Double.NaN).option("--p").build();
  static final Setting<List<Integer>> SHAPE = Setting.of("shape", SettingType.INTS, List.<Integer>of())
      .option("--shape").build();
  static final Setting<String> NAME = Setting.of("name", SettingType.STRING, null).option("--name").build();
  static final Setting<Colour> COLOUR = Setting.of("colour", SettingType.named(
      (String t) -> Colour.valueOf(t.trim().toUpperCase(Locale.ROOT)), (Colour c) -> c.name().toLowerCase(Locale.ROOT)),
      Colour.RED).option("--colour").build();
  static final Setting<Long> BYTES = Setting.of("bytes", SettingType.BYTES, 1L << 20).option("--bytes")
      .section("memory").build();
  static final Setting<Boolean> FLAG = Setting.of("flag", SettingType.BOOLEAN, false).option("--flag").flag(true)
      .build();
  static final List<Setting<?>> ALL = List.of(COUNT, P, SHAPE, NAME, COLOUR, BYTES, FLAG);

  @Test
  void defaultsAndValuesRoundTripThroughJsonWithSections() {
    SettingValues d = SettingValues.defaults(ALL);
    assertEquals(3, d.get(COUNT));
    assertTrue(Double.isNaN(d.get(P)));
    assertNull(d.get(NAME));
    Map<String, Object> json = d.toJson(ALL);
    assertNull(json.get("p"), "an unset probability is written as null");
    assertEquals(Map.of("bytes", 1L << 20), json.get("memory"), "a sectioned setting sits in its block");
    assertEquals(d, SettingValues.fromJson(json, ALL));
    SettingValues v = d.with(COUNT, 7).with(P, 0.25).with(SHAPE, List.of(1, 28, 28)).with(NAME, "x")
        .with(COLOUR, Colour.GREEN).with(BYTES, 5L << 30).with(FLAG, true);
    assertEquals(v, SettingValues.fromJson(v.toJson(ALL), ALL));
    assertEquals("green", v.toJson(ALL).get("colour"));
  }

  @Test
  void aMissingKeyTakesItsDefaultAndAWrongTypeIsNamed() {
    assertEquals(SettingValues.defaults(ALL).with(COUNT, 9), SettingValues.fromJson(Map.of("count", 9), ALL));
    InvalidSettingValueException e = assertThrows(InvalidSettingValueException.class,
        () -> SettingValues.fromJson(Map.of("count", "nine"), ALL));
    assertTrue(e.getMessage().startsWith("setting count: "), e.getMessage());
  }

  @Test
  void textIsParsedAsTheTypeSaysAndRefusedWithWhatWasExpected() {
    assertEquals(List.of(1, 28, 28), SHAPE.type().parse("1,28,28"));
    assertEquals(256L << 20, BYTES.type().parse("256m"));
    assertEquals(Colour.GREEN, COLOUR.type().parse("Green"));
    assertEquals("'ten' is not an int", assertThrows(InvalidSettingValueException.class,
        () -> COUNT.type().parse("ten")).getMessage());
    assertTrue(assertThrows(InvalidSettingValueException.class, () -> P.type().parse("NaN")).getMessage()
        .contains("not a drop probability"));
    assertTrue(assertThrows(InvalidSettingValueException.class, () -> BYTES.type().parse("lots")).getMessage()
        .contains("not a byte count"));
  }

  @Test
  void checksRunInDeclarationOrderAndDuplicateKeysAreRefused() {
    assertNull(SettingValues.defaults(ALL).firstProblem(ALL));
    assertEquals("--count = 0; expected a positive count", SettingValues.defaults(ALL).with(COUNT, 0).firstProblem(ALL));
    assertThrows(IllegalArgumentException.class, () -> SettingValues.defaults(List.of(COUNT, COUNT.withDefault(4, null))));
    assertThrows(IllegalArgumentException.class, () -> SettingValues.defaults(List.of(COUNT)).get(P));
  }

  @Test
  void valuesSurviveJavaSerializationEqual() throws Exception {
    SettingValues v = SettingValues.defaults(ALL).with(SHAPE, List.of(2, 3)).with(COLOUR, Colour.GREEN);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(v);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertEquals(v, in.readObject());
    }
  }
}
