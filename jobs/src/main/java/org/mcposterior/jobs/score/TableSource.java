package org.mcposterior.jobs.score;

import static org.apache.spark.sql.functions.col;

import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.mcposterior.spark.CauseText;

/**
 * Reads a pool kept as a table: a Delta Lake or Apache Iceberg table by path or by catalog name
 * ({@code --format delta} / {@code --format iceberg}), or any catalog table by name ({@code
 * --format table}, Spark's {@code spark.table}: Hive, Glue, Unity or the session catalog).
 *
 * <p>A versioned table (Delta, Iceberg) is read at one version, the one given ({@code
 * --pool-version}: a Delta version number, an Iceberg snapshot id, or for a catalog name also an
 * Iceberg tag or branch) or else its current one, looked up before the read. Every pass of the
 * run over the pool (validation, sampling, top-k, joint selection) then reads the same rows even
 * while a writer commits to the table, and the version goes into the run's summary, so a rerun
 * reads those rows again. A table without versions (a plain Parquet or Hive table) is read as it
 * is; a version given for one is refused.
 *
 * <p>Problems are one paragraph each, before any work: the format's library missing from the
 * classpath (with the spark-submit options that add it), an unknown table or path, a version the
 * table does not have.
 */
public final class TableSource {
  /** The {@code --format} values read by this class; the others are files ({@link PoolFormat}). */
  public static final List<String> FORMATS = List.of("delta", "iceberg", "table");

  private static final String DELTA_SOURCE = "org.apache.spark.sql.delta.sources.DeltaDataSource";
  private static final String DELTA_EXTENSION = "io.delta.sql.DeltaSparkSessionExtension";
  private static final String ICEBERG_SOURCE = "org.apache.iceberg.spark.source.IcebergSource";

  private TableSource() {}

  /**
   * A table as read: its rows at {@code version} (null for a table without versions), the
   * provider it was read with ({@code delta}, {@code iceberg}, or a catalog table's provider, such
   * as {@code parquet} or {@code hive}), and whether it was named by path.
   */
  public record Read(Dataset<Row> rows, String provider, String version, boolean byPath) {}

  public static boolean isTable(String format) {
    return FORMATS.contains(format);
  }

  /** Whether {@code source} is a path (it has a {@code /}, as no table name has) rather than a catalog name. */
  static boolean isPath(String source) {
    return source.contains("/");
  }

  /**
   * Reads {@code source} in {@code format} at {@code version} (null: its current version).
   *
   * @param option the option that gave {@code source}, e.g. {@code --pool}
   * @param versionOption the option that gave {@code version}, e.g. {@code --pool-version}
   * @throws JobInputException naming the problem and the fix
   */
  public static Read read(SparkSession spark, String format, String source, String version, String option,
      String versionOption) {
    boolean byPath = isPath(source);
    requireLibrary(spark, format, option);
    if (format.equals("table") && byPath) {
      throw new JobInputException(option + " " + source + " is a path, but --format table reads a catalog table"
          + " by name (db.table or catalog.db.table); pass the table's name, or --format delta or iceberg to read a"
          + " table by its path");
    }
    String table = byPath ? null : quote(parts(spark, source, option)); // the name as SQL reads it
    String provider = format.equals("table") ? provider(spark, table, source, option) : format;
    boolean versioned = provider.equals("delta") || provider.equals("iceberg");
    if (version != null && !versioned) {
      throw new JobInputException(versionOption + " " + version + " is given, but " + option + " " + source
          + " is a " + provider + " table, which keeps no versions; drop " + versionOption + " (a Delta or Iceberg"
          + " table can be read at a version)");
    }
    if (version != null && provider.equals("iceberg") && byPath && !version.matches("\\d+")) {
      throw new JobInputException(versionOption + " " + version + " is not an Iceberg snapshot id (a number, as"
          + " listed by the table's snapshots metadata table); a table read by path is read at a snapshot id (a tag"
          + " or branch name works when the table is read by its catalog name)");
    }
    try {
      String at = version != null ? version : versioned ? current(spark, provider, byPath ? source : table, byPath)
          : null;
      DataFrameReader reader = spark.read();
      Dataset<Row> rows;
      if (byPath) {
        reader = reader.format(provider);
        if (at != null) {
          reader = reader.option(provider.equals("delta") ? "versionAsOf" : "snapshot-id", at);
        }
        rows = reader.load(source);
      } else {
        // SQL's VERSION AS OF, not the reader's versionAsOf option, which Spark 3.5 ignores for Iceberg tables.
        rows = spark.sql("SELECT * FROM " + table + (at == null ? "" : " VERSION AS OF " + (at.matches("\\d+") ? at
            : "'" + at.replace("\\", "\\\\").replace("'", "\\'") + "'")));
      }
      return new Read(rows, provider, at, byPath);
    } catch (Exception e) { // Spark's AnalysisException is checked in Java's eyes, thrown unchecked
      throw unreadable(e, format, source, version, option, versionOption);
    }
  }

  /**
   * The current version of a Delta or Iceberg table: Delta's last commit ({@code DESCRIBE
   * HISTORY}), Iceberg's snapshot on its {@code main} branch (the {@code refs} metadata table), or
   * null for an Iceberg table with no snapshot yet (it has no rows).
   *
   * @param source the table's folder, or its quoted name ({@link #quote})
   */
  static String current(SparkSession spark, String provider, String source, boolean byPath) throws Exception {
    if (provider.equals("delta")) {
      String table = byPath ? "delta.`" + source.replace("`", "``") + "`" : source;
      return Long.toString(spark.sql("DESCRIBE HISTORY " + table + " LIMIT 1").first().getAs("version"));
    }
    Dataset<Row> refs = byPath ? spark.read().format("iceberg").load(source + "#refs") : spark.sql("SELECT * FROM "
        + source + ".`refs`");
    List<Row> main = refs.filter(col("name").equalTo("main")).select("snapshot_id").collectAsList();
    return main.isEmpty() ? null : Long.toString(main.get(0).getLong(0));
  }

  /** The parts of a table name ({@code catalog.db.table}: three), as Spark's parser reads it. */
  static List<String> parts(SparkSession spark, String name, String option) {
    try {
      var parsed = spark.sessionState().sqlParser().parseMultipartIdentifier(name); // a Scala Seq on either line
      List<String> parts = new java.util.ArrayList<>();
      for (int i = 0; i < parsed.length(); i++) {
        parts.add(parsed.apply(i));
      }
      if (parts.isEmpty() || parts.stream().anyMatch(String::isBlank)) {
        throw new IllegalArgumentException("a part of it is empty");
      }
      return parts;
    } catch (Exception e) { // ParseException: checked in Java's eyes
      throw new JobInputException(option + " " + name + " is not a table name (" + CauseText.of(e) + ");"
          + " expected db.table or catalog.db.table, with `back quotes` around a part that has dots or spaces"
          + folderHint(name), e);
    }
  }

  /** When a folder of this name is in the working directory: how to name it so it is read as a folder. */
  private static String folderHint(String source) {
    return !isPath(source) && new java.io.File(source).exists() ? " (a name without / is read as a catalog table's"
        + " name; to read the folder " + source + " here, pass ./" + source + ")" : "";
  }

  /**
   * A table name's parts with its catalog and namespace filled in as Spark resolves them: a first
   * part that names a configured catalog is the catalog, else the current catalog holds the name,
   * and a bare table name is in the current namespace.
   */
  static List<String> qualified(SparkSession spark, List<String> parts) {
    var catalogs = spark.sessionState().catalogManager();
    List<String> full = new java.util.ArrayList<>();
    boolean named = parts.size() > 1 && catalogs.isCatalogRegistered(parts.get(0));
    full.add(named ? parts.get(0) : catalogs.currentCatalog().name());
    List<String> rest = named ? parts.subList(1, parts.size()) : parts;
    if (rest.size() == 1) {
      full.addAll(java.util.Arrays.asList(catalogs.currentNamespace()));
    }
    full.addAll(rest);
    return full;
  }

  /**
   * A row of {@code DESCRIBE TABLE EXTENDED}: the table's {@code Provider} or {@code Location}, or
   * null.
   *
   * @param table the table's name as SQL takes it ({@link #quote})
   * @throws JobInputException when the table cannot be described
   */
  static String describe(SparkSession spark, String table, String field) {
    try {
      for (Row r : spark.sql("DESCRIBE TABLE EXTENDED " + table).collectAsList()) {
        if (field.equals(r.getString(0)) && r.getString(1) != null) {
          return r.getString(1).trim();
        }
      }
      return null;
    } catch (Exception e) { // AnalysisException: checked in Java's eyes
      throw new JobInputException("table " + table + " cannot be described: " + CauseText.of(e), e);
    }
  }

  /** {@code parts} of a table name, each in back quotes, joined with dots: the name as SQL reads it whatever it holds. */
  static String quote(List<String> parts) {
    return parts.stream().map(p -> "`" + p.replace("`", "``") + "`").collect(java.util.stream.Collectors.joining("."));
  }

  /** A catalog table's provider (lower case), from {@code DESCRIBE TABLE EXTENDED} of its quoted name {@code table}. */
  static String provider(SparkSession spark, String table, String name, String option) {
    try {
      String provider = describe(spark, table, "Provider");
      return provider == null ? "catalog" : provider.toLowerCase(Locale.ROOT);
    } catch (JobInputException e) { // describe's, with Spark's reason as its cause
      throw new JobInputException(option + " " + name + " cannot be found as a catalog table: "
          + CauseText.of(e.getCause()) + "; expected a table name as spark.table takes it (db.table, or catalog.db.table for"
          + " a catalog configured with spark.sql.catalog.<name>): check the name and the session's catalogs", e);
    }
  }

  /** Refuses a format whose library is not on the classpath, naming the spark-submit options that add it. */
  static void requireLibrary(SparkSession spark, String format, String option) {
    String line = spark.version().startsWith("3.") ? "3.5" : "4.0";
    String scala = line.equals("3.5") ? "2.12" : "2.13";
    if (format.equals("delta")) {
      String add = " --packages io.delta:delta-spark_" + scala + ":" + (line.equals("3.5") ? "3.3.3" : "4.0.1")
          + " --conf spark.sql.extensions=" + DELTA_EXTENSION
          + " --conf spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog";
      if (!onClasspath(DELTA_SOURCE)) {
        throw new JobInputException("--format delta reads " + option + " as a Delta Lake table, but Delta Lake is"
            + " not on the classpath; add it to spark-submit:" + add);
      }
      if (!spark.conf().get("spark.sql.extensions", "").contains(DELTA_EXTENSION)) {
        throw new JobInputException("--format delta reads " + option + " as a Delta Lake table, but Delta's SQL"
            + " extension is not set (spark.sql.extensions has no " + DELTA_EXTENSION + "), which reading a"
            + " table's versions needs; add to spark-submit:" + add.substring(add.indexOf(" --conf")));
      }
    } else if (format.equals("iceberg") && !onClasspath(ICEBERG_SOURCE)) {
      throw new JobInputException("--format iceberg reads " + option + " as an Apache Iceberg table, but Iceberg is"
          + " not on the classpath; add it to spark-submit: --packages org.apache.iceberg:iceberg-spark-runtime-"
          + line + "_" + scala + ":1.10.1 (and a catalog, e.g. --conf spark.sql.catalog.lake="
          + "org.apache.iceberg.spark.SparkCatalog --conf spark.sql.catalog.lake.type=hadoop"
          + " --conf spark.sql.catalog.lake.warehouse=<folder>)");
    }
  }

  private static boolean onClasspath(String className) {
    try {
      Class.forName(className, false, Thread.currentThread().getContextClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  private static JobInputException unreadable(Exception e, String format, String source, String version,
      String option, String versionOption) {
    String cause = CauseText.of(e);
    String fix;
    if (version != null && (cause.contains("version") || cause.contains("snapshot") || cause.contains("Version"))) {
      fix = "check " + versionOption + " " + version + " against the table's history (Delta: DESCRIBE HISTORY;"
          + " Iceberg: the snapshots or refs metadata table)";
    } else if (cause.contains("Cannot initialize Catalog") || cause.contains("HiveCatalog")) {
      fix = "Iceberg reads a table by path through its default catalog, which is a Hive catalog unless configured:"
          + " add --conf spark.sql.catalog.default_iceberg=org.apache.iceberg.spark.SparkCatalog"
          + " --conf spark.sql.catalog.default_iceberg.type=hadoop, or read the table by its catalog name";
    } else {
      fix = "expected " + (format.equals("table") ? "a catalog table name" : "a " + format + " table's "
          + (isPath(source) ? "folder" : "catalog name")) + ": check " + option;
    }
    fix += folderHint(source);
    return new JobInputException(option + " " + source + (version == null ? "" : " at " + versionOption + " "
        + version) + " cannot be read as " + (format.equals("table") ? "a catalog table" : "a " + format
        + " table") + ": " + cause + "; " + fix, e);
  }
}
