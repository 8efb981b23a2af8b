package org.mcposterior.randomness;

/**
 * Counter-based random numbers keyed by {@code (seed, example, iteration, site)}.
 *
 * <p><b>Keys.</b> A 64-bit stream key is derived by chaining the SplitMix64 finaliser (Steele,
 * Lea and Flood, "Fast splittable pseudorandom number generators", OOPSLA 2014,
 * doi:10.1145/2660193.2660195) over the components, each step a bijection of the new component
 * for a fixed prefix. Independent and consistent keys live in separate domains, so no example key
 * can reproduce a consistent stream.
 *
 * <p><b>Elements.</b> Element {@code j} of a stream is the 32-bit value
 * {@code h(h(j * 0x9E3779B9 + lo) ^ hi)}, where {@code lo, hi} are the halves of the stream key
 * and {@code h} is the "lowbias32" integer hash (C. Wellons, 2018: two multiply-xorshift rounds,
 * bijective on 32 bits). Elements are independent of each other's computation, so a stream can be
 * filled in any order, in pieces, or by vectorised loops, with identical results.
 *
 * <p><b>Bernoulli.</b> Element {@code j} is dropped with probability {@code p} when
 * {@code (u >>> 1) < round(p * 2^31)}: {@code p} is honoured to within {@code 2^-32}.
 *
 * <p>All methods are static, pure and thread-safe.
 */
public final class KeyedRandom {
  /** Odd 32-bit golden-ratio constant; multiplying element indices by it is a bijection. */
  public static final int INDEX_MULTIPLIER = 0x9E3779B9;

  private static final long GOLDEN = 0x9E3779B97F4A7C15L;
  private static final long DOMAIN_INDEPENDENT = 0x6A09E667F3BCC908L;
  private static final long DOMAIN_CONSISTENT = 0xBB67AE8584CAA73BL;
  private static final long DOMAIN_EXAMPLE_ID = 0x3C6EF372FE94F82BL;

  /**
   * Whether the Vector API versions run: the {@code jdk.incubator.vector} module is present and
   * not switched off with {@code -Dmcposterior.vector=false}. Both versions give identical bits.
   */
  static final boolean VECTOR = vectorAvailable();

  private KeyedRandom() {}

  /** Whether masks are computed with the Vector API in this JVM (else with scalar loops; same bits). */
  public static boolean vectorised() {
    return VECTOR;
  }

  private static boolean vectorAvailable() {
    if (!Boolean.parseBoolean(System.getProperty("mcposterior.vector", "true"))
        || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return false;
    }
    try {
      return VectorMasks.usable();
    } catch (LinkageError e) {
      return false;
    }
  }

  /** The SplitMix64 finaliser: a bijective 64-bit mixer with full avalanche. */
  public static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  /** Wellons' lowbias32 integer hash: bijective, low bias. */
  public static int hash32(int x) {
    x ^= x >>> 16;
    x *= 0x7feb352d;
    x ^= x >>> 15;
    x *= 0x846ca68b;
    x ^= x >>> 16;
    return x;
  }

  /** Key of the stream of one example at one iteration and stochastic site (independent masks). */
  public static long streamKey(long seed, long exampleKey, long iteration, int site) {
    long k = mix64(seed ^ DOMAIN_INDEPENDENT);
    k = mix64(k + GOLDEN * (site + 1L));
    k = mix64(k + exampleKey);
    return mix64(k + GOLDEN * iteration);
  }

  /** Key of the stream shared by all examples at one iteration and site (consistent masks). */
  public static long consistentKey(long seed, long iteration, int site) {
    long k = mix64(seed ^ DOMAIN_CONSISTENT);
    k = mix64(k + GOLDEN * (site + 1L));
    return mix64(k + GOLDEN * iteration);
  }

  /** A 64-bit example key from a string identifier (UTF-16 code units, FNV-style then mixed). */
  public static long exampleKey(String id) {
    long h = DOMAIN_EXAMPLE_ID;
    for (int i = 0; i < id.length(); i++) {
      h = (h ^ id.charAt(i)) * 0x100000001B3L;
    }
    return mix64(h ^ id.length());
  }

  /** A 64-bit example key from a numeric identifier: the identifier itself. */
  public static long exampleKey(long id) {
    return id;
  }

  /** Element {@code j} of the stream with key {@code key}, as an unsigned 32-bit value in an int. */
  public static int element(long key, int j) {
    int lo = (int) key;
    int hi = (int) (key >>> 32);
    return hash32(hash32(j * INDEX_MULTIPLIER + lo) ^ hi);
  }

  /** The drop threshold for probability {@code p}: drop when {@code (u >>> 1) < threshold}. */
  public static int dropThreshold(double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException("drop probability " + p + " is outside [0, 1]");
    }
    return (int) Math.min(Integer.MAX_VALUE, Math.round(p * 2147483648.0));
  }

  /** Whether element {@code u} is dropped under {@code threshold} (see {@link #dropThreshold}). */
  public static boolean dropped(int u, int threshold) {
    return (u >>> 1) < threshold;
  }

  /**
   * Fills {@code out[0..n)} with the keep factors of one stream: {@code scale} where kept, 0 where
   * dropped, for elements {@code index[0..n)} premultiplied by {@link #INDEX_MULTIPLIER}
   * (see {@link #indexTable}). Written as one flat loop over arrays so the JIT vectorises it.
   *
   * @param bits scratch of length >= n
   */
  public static void keepFactors(long key, int[] index, int n, int threshold, float scale, int[] bits, float[] out) {
    if (VECTOR) {
      VectorMasks.keepFactors(key, index, n, threshold, scale, out);
      return;
    }
    scalarKeepFactors(key, index, n, threshold, scale, bits, out);
  }

  /** The scalar version of {@link #keepFactors} (tests compare the two). */
  static void scalarKeepFactors(long key, int[] index, int n, int threshold, float scale, int[] bits, float[] out) {
    elements(key, index, n, bits);
    int scaleBits = Float.floatToRawIntBits(scale);
    for (int j = 0; j < n; j++) {
      int drop = ((bits[j] >>> 1) - threshold) >>> 31;
      bits[j] = scaleBits & (drop - 1);
    }
    for (int j = 0; j < n; j++) {
      out[j] = Float.intBitsToFloat(bits[j]);
    }
  }

  /**
   * Multiplies {@code x[off..off+n)} in place by the keep factors of {@link #keepFactors}: the
   * mask and its application in one pass.
   *
   * @param bits scratch of length >= n (used without the Vector API)
   * @param factors scratch of length >= n (used without the Vector API)
   */
  public static void applyKeep(long key, int[] index, int n, int threshold, float scale, float[] x, int off,
      int[] bits, float[] factors) {
    if (VECTOR) {
      VectorMasks.applyKeep(key, index, n, threshold, scale, x, off);
      return;
    }
    scalarKeepFactors(key, index, n, threshold, scale, bits, factors);
    for (int j = 0; j < n; j++) {
      x[off + j] *= factors[j];
    }
  }

  /**
   * Fills {@code out[0..n)} with uniform 32-bit stream elements (unsigned, in ints) for the
   * premultiplied indices {@code index[0..n)}.
   */
  public static void elements(long key, int[] index, int n, int[] out) {
    int lo = (int) key;
    int hi = (int) (key >>> 32);
    for (int j = 0; j < n; j++) {
      int x = index[j] + lo;
      x ^= x >>> 16;
      x *= 0x7feb352d;
      x ^= x >>> 15;
      x *= 0x846ca68b;
      x ^= x >>> 16;
      x ^= hi;
      x ^= x >>> 16;
      x *= 0x7feb352d;
      x ^= x >>> 15;
      x *= 0x846ca68b;
      x ^= x >>> 16;
      out[j] = x;
    }
  }

  /** The table {@code j * INDEX_MULTIPLIER} for {@code j < n}: element indices ready for hashing. */
  public static int[] indexTable(int n) {
    int[] t = new int[n];
    for (int j = 0; j < n; j++) {
      t[j] = j * INDEX_MULTIPLIER;
    }
    return t;
  }

  /** Premultiplies arbitrary element indices (e.g. a canonical order that differs from memory order). */
  public static int[] indexTable(int[] canonicalIndex) {
    int[] t = new int[canonicalIndex.length];
    for (int j = 0; j < t.length; j++) {
      t[j] = canonicalIndex[j] * INDEX_MULTIPLIER;
    }
    return t;
  }
}
