package org.mcposterior.conformance;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;

/**
 * Every concrete layer, graph vertex and input preprocessor class of DL4J, found by reading the
 * DL4J jar itself (no scanning library is on the classpath): the classes under
 * {@code org.deeplearning4j.nn.conf.layers}, {@code .graph} and {@code .preprocessor} (every
 * subpackage) that extend {@link Layer}, {@link GraphVertex} or implement {@link InputPreProcessor}
 * and are neither abstract nor interfaces.
 */
final class Dl4jClasses {
  private Dl4jClasses() {}

  static final String[] PACKAGES = {"org/deeplearning4j/nn/conf/layers/", "org/deeplearning4j/nn/conf/graph/",
      "org/deeplearning4j/nn/conf/preprocessor/"};

  static List<Class<?>> concrete() {
    Path jar;
    try {
      jar = Path.of(DenseLayer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot locate the DL4J jar: " + e.getMessage(), e);
    }
    List<Class<?>> out = new ArrayList<>();
    try (JarFile f = new JarFile(jar.toFile())) {
      Enumeration<JarEntry> es = f.entries();
      while (es.hasMoreElements()) {
        String n = es.nextElement().getName();
        if (!n.endsWith(".class") || !inPackages(n)) {
          continue;
        }
        Class<?> c = Class.forName(n.substring(0, n.length() - 6).replace('/', '.'), false,
            Dl4jClasses.class.getClassLoader());
        int mod = c.getModifiers();
        if (Modifier.isAbstract(mod) || c.isInterface() || c.isAnonymousClass()) {
          continue;
        }
        if (Layer.class.isAssignableFrom(c) || GraphVertex.class.isAssignableFrom(c)
            || InputPreProcessor.class.isAssignableFrom(c)) {
          out.add(c);
        }
      }
    } catch (IOException | ClassNotFoundException e) {
      throw new IllegalStateException("cannot read the DL4J jar " + jar + ": " + e.getMessage(), e);
    }
    out.sort(Comparator.comparing(Class::getName));
    return out;
  }

  private static boolean inPackages(String entry) {
    for (String p : PACKAGES) {
      if (entry.startsWith(p)) {
        return true;
      }
    }
    return false;
  }
}
