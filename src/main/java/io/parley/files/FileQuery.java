package io.parley.files;

/**
 * One page of a tenant's files: newest first unless {@code ascending}, after the file {@code after} (exclusive)
 * when given, only of {@code purpose} when given.
 */
public record FileQuery(String after, int limit, boolean ascending, String purpose) {
}
