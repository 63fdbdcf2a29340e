package io.parley.idempotency;

/** What claiming a key found. */
public sealed interface Claim {

  /** The key was free (or its last holder's lease had run out): this request runs, holding the ticket. */
  record Won(Ticket ticket) implements Claim {
  }

  /** Another request holds the key: still running ({@code recorded} is {@code null}), or done. */
  record Held(String fingerprint, Recorded recorded) implements Claim {
    public boolean done() {
      return recorded != null;
    }
  }
}
