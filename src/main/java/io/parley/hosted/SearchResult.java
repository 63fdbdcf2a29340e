package io.parley.hosted;

/**
 * One web search result from a backend.
 *
 * @param url     {@code null} when the backend gave none (a plain-text answer)
 * @param content the snippet or page text the model is given
 */
public record SearchResult(String url, String title, String content) {
}
