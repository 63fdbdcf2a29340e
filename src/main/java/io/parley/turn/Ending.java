package io.parley.turn;

/** Every way a turn can end. Whatever it is, the run releases what it took and cancels what it started. */
public enum Ending {
  /** Finished and stored (completed or incomplete). */
  FINISHED,
  /** The provider or the store failed, or the answer was refused late (a 4xx found after the start). */
  FAILED,
  /** The client went away: its connection or WebSocket closed. Nothing is stored. */
  CLIENT_GONE,
  /** A cancel was asked for (a background response's {@code /cancel}, from any replica). */
  CANCELLED,
  /** The replica shut down with the turn still in flight past the shutdown grace. */
  SHUTDOWN
}
