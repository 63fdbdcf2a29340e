package io.parley.config;

/** A configuration value that stops start-up; the message names the key. */
public final class ConfigException extends RuntimeException {
  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
