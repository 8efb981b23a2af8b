package org.mcposterior.jobs.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import javax.imageio.ImageIO;

/** Inline PNG images of example inputs, for pages that must not fetch anything. */
public final class Images {
  private Images() {}

  /**
   * A {@code data:image/png;base64,...} URI of one example shaped {@code [channels, height, width]}
   * (channels first, as DL4J's NCHW): one channel is grey, three are RGB, others show channel 0.
   * Values are scaled from their own minimum (black) to maximum (white).
   */
  public static String png(float[] features, int channels, int height, int width) {
    if ((long) channels * height * width != features.length) {
      throw new IllegalArgumentException("an image of " + channels + "x" + height + "x" + width + " needs "
          + (long) channels * height * width + " values, got " + features.length);
    }
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    for (float v : features) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    float span = max > min ? max - min : 1;
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int plane = height * width;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int i = y * width + x;
        int r = level(features[i], min, span);
        int g = channels == 3 ? level(features[plane + i], min, span) : r;
        int b = channels == 3 ? level(features[2 * plane + i], min, span) : r;
        img.setRGB(x, y, (r << 16) | (g << 8) | b);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(img, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException("could not encode an example as PNG", e);
    }
    return "data:image/png;base64," + Base64.getEncoder().encodeToString(out.toByteArray());
  }

  private static int level(float v, float min, float span) {
    return Math.max(0, Math.min(255, Math.round((v - min) / span * 255)));
  }
}
