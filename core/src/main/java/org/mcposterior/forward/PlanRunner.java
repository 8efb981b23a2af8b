package org.mcposterior.forward;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.mcposterior.models.Network;
import org.mcposterior.platform.NativeFloats;

/**
 * Runs a {@link ForwardPlan} on one thread: owns the activation buffers, scratch memory, the
 * per-iteration DropConnect weights and (only when the plan falls back to DL4J layers) a private
 * copy of the network.
 *
 * <p>Not thread-safe: one runner per thread. Buffers are allocated on first use, grown when a
 * larger chunk comes, and reused across chunks, so the hot path allocates nothing. {@link #close()}
 * frees the native memory.
 */
public final class PlanRunner implements AutoCloseable {
  private final ForwardPlan plan;
  private final NativeFloats[] buffers;
  private final NativeFloats[][] expanded;
  private final long[] rowsComputed;
  private final long[] nanos;
  private final long dropConnectCacheBytes;
  private NativeFloats scratch;
  private final float[][] heapFloats = new float[4][];
  private final int[][] heapInts = new int[2][];
  private Network network;
  private final Map<MaskKey, CachedMask> maskCache = new LinkedHashMap<>();
  private long maskCacheBytes;
  private NativeFloats transientMask;
  private long generation;
  private long allocatedBytes;
  private long peakBytes;
  private long scratchLimit = Long.MAX_VALUE;

  PlanRunner(ForwardPlan plan, long dropConnectCacheBytes) {
    this.plan = plan;
    int n = plan.nodes().size();
    this.buffers = new NativeFloats[n];
    this.expanded = new NativeFloats[n][];
    this.rowsComputed = new long[n];
    this.nanos = new long[n];
    this.dropConnectCacheBytes = dropConnectCacheBytes;
  }

  public ForwardPlan plan() {
    return plan;
  }

  /**
   * Copies {@code examples} examples of network input {@code input} into the plan, from
   * {@code values} laid out as DL4J's batch {@code [examples, dims...]} in C order starting at
   * example {@code from}.
   */
  public void loadInput(int input, float[] values, int from, int examples) {
    PlanNode node = plan.inputNode(input);
    int size = node.geometry().size();
    NativeFloats buf = buffer(node.id(), examples);
    buf.copyFrom(0, values, from * size, examples * size);
    rowsComputed[node.id()] += examples;
  }

  /** Runs the per-example nodes (the deterministic prefix) for the chunk's examples. */
  public void runPrefix(Chunk chunk) {
    for (PlanNode node : plan.nodes()) {
      if (!node.isInput() && !node.sampled()) {
        run(node, chunk, chunk.examples);
      }
    }
  }

  /** Runs the per-sample nodes for the chunk's examples x iterations. */
  public void runSuffix(Chunk chunk) {
    int rows = chunk.sampleRows();
    for (PlanNode node : plan.nodes()) {
      if (!node.isInput() && node.sampled()) {
        run(node, chunk, rows);
      }
    }
  }

  private void run(PlanNode node, Chunk chunk, int rows) {
    int[] inIds = node.inputs();
    NativeFloats[] in = new NativeFloats[inIds.length];
    int[] inRows = new int[inIds.length];
    for (int i = 0; i < inIds.length; i++) {
      PlanNode src = plan.nodes().get(inIds[i]);
      in[i] = buffers[src.id()];
      inRows[i] = src.sampled() ? chunk.sampleRows() : chunk.examples;
      if (inRows[i] != rows && !node.kernel().expandsRows()) {
        in[i] = replicate(node.id(), i, in[i], src.geometry().size(), chunk);
        inRows[i] = rows;
      }
    }
    NativeFloats out = buffer(node.id(), rows);
    long t0 = System.nanoTime();
    node.kernel().forward(this, chunk, in, inRows, out, rows);
    nanos[node.id()] += System.nanoTime() - t0;
    rowsComputed[node.id()] += rows;
  }

  private NativeFloats replicate(int nodeId, int inputSlot, NativeFloats src, int size, Chunk chunk) {
    if (expanded[nodeId] == null) {
      expanded[nodeId] = new NativeFloats[plan.nodes().get(nodeId).inputs().length];
    }
    long need = (long) chunk.sampleRows() * size;
    NativeFloats dst = expanded[nodeId][inputSlot];
    if (dst == null || dst.length() < need) {
      if (dst != null) {
        free(dst);
      }
      dst = allocate(need);
      expanded[nodeId][inputSlot] = dst;
    }
    int block = chunk.examples * size;
    for (int t = 0; t < chunk.iterations; t++) {
      dst.copyFrom(t * block, src, 0, block);
    }
    return dst;
  }

  /** The output buffer of node {@code id} with room for {@code rows} rows. */
  NativeFloats buffer(int id, int rows) {
    long need = (long) rows * plan.nodes().get(id).geometry().size();
    NativeFloats b = buffers[id];
    if (b == null || b.length() < need) {
      if (b != null) {
        free(b);
      }
      b = allocate(need);
      buffers[id] = b;
    }
    return b;
  }

  /** The current output of node {@code id}. */
  public NativeFloats output(int id) {
    return buffers[id];
  }

  /** Caps the native scratch kernels may ask for (e.g. im2col blocks), to fit a memory budget. */
  public void limitScratch(long floats) {
    this.scratchLimit = Math.max(1, floats);
  }

  /** The most native scratch, in floats, kernels should ask for. */
  long scratchLimit() {
    return scratchLimit;
  }

  /** Native scratch of at least {@code floats} floats, shared by all kernels of this runner. */
  NativeFloats scratch(long floats) {
    if (scratch == null || scratch.length() < floats) {
      if (scratch != null) {
        free(scratch);
      }
      scratch = allocate(floats);
    }
    return scratch;
  }

  /** Heap scratch {@code slot} (0..3) of at least {@code n} floats; contents undefined. */
  float[] floats(int slot, int n) {
    float[] a = heapFloats[slot];
    if (a == null || a.length < n) {
      a = new float[Math.max(n, 16)];
      heapFloats[slot] = a;
    }
    return a;
  }

  /** Heap int scratch {@code slot} (0..1) of at least {@code n} ints; contents undefined. */
  int[] ints(int slot, int n) {
    int[] a = heapInts[slot];
    if (a == null || a.length < n) {
      a = new int[Math.max(n, 16)];
      heapInts[slot] = a;
    }
    return a;
  }

  /** This runner's private copy of the network, for kernels that run DL4J layers. */
  Network network() {
    if (network == null) {
      synchronized (plan.network().model()) { // not while a compile probes the same network (PlanCompiler)
        network = plan.network().copy();
      }
    }
    return network;
  }

  /**
   * Starts a new unit of work (one task of the sampler): masked weights cached for earlier tasks
   * become the first to give way when the cache is full, those this task uses stay.
   */
  public void beginTask() {
    generation++;
  }

  /**
   * The DropConnect-masked weights of node {@code nodeId} for the stream {@code key}: from the
   * cache, or computed by {@code compute} into a buffer that is then cached.
   *
   * <p>The cache holds at most the runner's DropConnect budget in all (all nodes together). A miss
   * takes room from entries no use of the current task has touched ({@link #beginTask}); when
   * the task's own masks fill the budget, the miss is computed into one reused transient buffer
   * instead (not cached): a task cycling over more masks than fit then keeps the ones that fit
   * and recomputes only the rest, where a least-recently-used policy would recompute all of them.
   * Buffers are recycled, never freed and reallocated per miss: fresh native pages cost more than
   * masking them (profiled on YOLO2: the page-faulting {@code memset} of new 38 MB buffers was most
   * of the pass).
   */
  NativeFloats maskedWeights(int nodeId, long key, int floats, java.util.function.Consumer<NativeFloats> compute) {
    CachedMask hit = maskCache.get(new MaskKey(nodeId, key));
    if (hit != null) {
      hit.generation = generation;
      return hit.weights;
    }
    long bytes = 4L * floats;
    NativeFloats recycled = null;
    if (maskCacheBytes + bytes > dropConnectCacheBytes) {
      java.util.Iterator<Map.Entry<MaskKey, CachedMask>> it = maskCache.entrySet().iterator();
      while (it.hasNext() && maskCacheBytes + bytes > dropConnectCacheBytes) {
        CachedMask stale = it.next().getValue();
        if (stale.generation == generation) {
          continue;
        }
        it.remove();
        maskCacheBytes -= 4L * stale.weights.length();
        if (recycled == null && stale.weights.length() == floats) {
          recycled = stale.weights;
        } else {
          free(stale.weights);
        }
      }
    }
    if (maskCacheBytes + bytes > dropConnectCacheBytes) {
      if (recycled != null) {
        free(recycled);
      }
      if (transientMask == null || transientMask.length() < floats) {
        if (transientMask != null) {
          free(transientMask);
        }
        transientMask = allocateUninitialised(floats);
      }
      compute.accept(transientMask);
      return transientMask;
    }
    NativeFloats w = recycled != null ? recycled : allocateUninitialised(floats);
    compute.accept(w);
    CachedMask entry = new CachedMask(w);
    entry.generation = generation;
    maskCache.put(new MaskKey(nodeId, key), entry);
    maskCacheBytes += bytes;
    return w;
  }

  private record MaskKey(int nodeId, long key) {}

  private static final class CachedMask {
    final NativeFloats weights;
    long generation;

    CachedMask(NativeFloats weights) {
      this.weights = weights;
    }
  }

  /** Rows each node has computed since this runner was made (the regression guard's counters). */
  public long[] rowsComputed() {
    return rowsComputed.clone();
  }

  /** Wall-clock nanoseconds spent in each node's kernel since this runner was made (where the time goes). */
  public long[] nanosSpent() {
    return nanos.clone();
  }

  /** Native bytes this runner holds now. */
  public long allocatedBytes() {
    return allocatedBytes;
  }

  /** The most native bytes this runner has held at once. */
  public long peakBytes() {
    return peakBytes;
  }

  private NativeFloats allocate(long floats) {
    NativeFloats f = NativeFloats.allocate(floats);
    allocatedBytes += 4L * Math.max(1, floats);
    peakBytes = Math.max(peakBytes, allocatedBytes);
    return f;
  }

  /** As {@link #allocate}, without zeroing: for buffers the caller overwrites whole. */
  private NativeFloats allocateUninitialised(long floats) {
    NativeFloats f = NativeFloats.allocateUninitialised(floats);
    allocatedBytes += 4L * Math.max(1, floats);
    peakBytes = Math.max(peakBytes, allocatedBytes);
    return f;
  }

  private void free(NativeFloats f) {
    allocatedBytes -= 4L * Math.max(1, f.length());
    f.close();
  }

  @Override
  public void close() {
    for (int i = 0; i < buffers.length; i++) {
      if (buffers[i] != null) {
        free(buffers[i]);
        buffers[i] = null;
      }
      if (expanded[i] != null) {
        for (NativeFloats f : expanded[i]) {
          if (f != null) {
            free(f);
          }
        }
        expanded[i] = null;
      }
    }
    if (scratch != null) {
      free(scratch);
      scratch = null;
    }
    for (CachedMask m : maskCache.values()) {
      free(m.weights);
    }
    maskCache.clear();
    maskCacheBytes = 0;
    if (transientMask != null) {
      free(transientMask);
      transientMask = null;
    }
  }

  @Override
  public String toString() {
    return "PlanRunner" + Arrays.toString(rowsComputed);
  }
}
