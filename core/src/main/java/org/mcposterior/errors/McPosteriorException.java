package org.mcposterior.errors;

/**
 * An exception of mcposterior's own: a refusal of bad input or a failure the project words itself.
 * Its message is one paragraph that names the value, what was expected and what the user can do, so
 * a caller (the command line's exit handler above all) may show it as it is. Every exception class
 * of the project is one of these, through {@link McPosteriorArgumentException} or {@link
 * McPosteriorStateException}; architecture tests in both modules keep it so, and keep the project's
 * exception names unique.
 *
 * <p>This is an interface, not a class, so that each member keeps the standard Java type its kind
 * has always had: an argument refusal is an {@link IllegalArgumentException} and a refusal of the
 * process's state an {@link IllegalStateException}, as callers, {@code assertThrows} in tests and
 * code written for the JDK's types expect. (Apache Commons Math 3 did the same with
 * {@code ExceptionContextProvider}.) The price is that Java cannot {@code catch} an interface: catch
 * one of the two kinds, or {@link RuntimeException} and test {@code instanceof McPosteriorException}.
 * Every member is unchecked: the project's refusals are found before work starts and end the run,
 * and a checked exception would have to be wrapped in every Spark lambda it crosses.
 */
public interface McPosteriorException {}
