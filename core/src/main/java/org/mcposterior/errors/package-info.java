/**
 * The one family of the project's exceptions: {@link org.mcposterior.errors.McPosteriorException}
 * marks every exception mcposterior throws for a refusal or a failure it can word itself, whose
 * message names the value, what was expected and the fix; {@link
 * org.mcposterior.errors.McPosteriorArgumentException} and {@link
 * org.mcposterior.errors.McPosteriorStateException} are the two kinds every concrete exception is
 * one of. The command line's exit handler recognises the family by this type, and architecture
 * tests keep every exception class of the project in it.
 */
package org.mcposterior.errors;
