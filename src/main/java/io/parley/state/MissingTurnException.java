package io.parley.state;

/** A chain could not be loaded because one of its turns is unknown, expired or deleted. */
public final class MissingTurnException extends RuntimeException {

  private final String missingId;

  public MissingTurnException(String missingId) {
    super("stored response " + missingId + " is missing", null, false, false);
    this.missingId = missingId;
  }

  public String missingId() {
    return missingId;
  }
}
