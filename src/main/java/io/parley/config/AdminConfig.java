package io.parley.config;

/**
 * The operator console ({@code /console}) and its JSON API ({@code /admin/v1}).
 *
 * @param keyHash            SHA-256 of the admin key, or {@code null}: then the console and its API do not exist (404)
 * @param recentResponsesMax how many recent responses each tenant's index keeps for the console (0: none are kept)
 */
public record AdminConfig(String keyHash, int recentResponsesMax) {

  public boolean enabled() {
    return keyHash != null;
  }
}
