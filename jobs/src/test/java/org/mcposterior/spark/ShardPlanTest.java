package org.mcposterior.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ShardPlanTest {

  @Test
  void largePoolsSplitByRowsOnly() {
    ShardPlan p = ShardPlan.plan(40, 8, 20, 0);
    assertEquals(1, p.shards());
    assertEquals(40, p.tasks());
  }

  @Test
  void smallPoolsSplitTheIterationsSoEveryCoreWorks() {
    assertEquals(8, ShardPlan.plan(1, 8, 20, 0).shards());
    assertEquals(3, ShardPlan.plan(3, 8, 20, 0).shards(), "3 partitions x 3 shards >= 8 cores");
    assertEquals(5, ShardPlan.plan(1, 8, 5, 0).shards(), "never more shards than iterations");
  }

  @Test
  void requestedShardsWinAndRangesCoverEveryIterationOnce() {
    ShardPlan p = ShardPlan.plan(3, 2, 20, 7);
    assertEquals(7, p.shards());
    int covered = 0;
    for (int s = 0; s < p.shards(); s++) {
      assertEquals(covered, p.start(s), "shards are contiguous");
      covered = p.end(s);
    }
    assertEquals(20, covered);
  }
}
