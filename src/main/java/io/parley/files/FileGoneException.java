package io.parley.files;

/** A file's content is gone (it expired or was deleted) while its metadata was being used. */
public final class FileGoneException extends RuntimeException {

  public FileGoneException(String id) {
    super("file " + id + " is gone", null, false, false);
  }
}
