package io.parley.upstream;

import java.util.ArrayList;
import java.util.List;

/**
 * One turn's cancel handle, as seen by what it started: each provider request registers how to abort
 * itself (reset the request while it connects, waits for its head or streams its body) and is aborted
 * the moment the handle is cancelled, or at once if it registers after that. Confined to one event loop.
 */
public final class Cancellation {

  private List<Runnable> hooks = new ArrayList<>(2);

  /** Runs {@code abort} when the handle is cancelled (now, if it already is). */
  public void onCancel(Runnable abort) {
    if (hooks == null) {
      abort.run();
    } else {
      hooks.add(abort);
    }
  }

  /** Aborts everything registered; later registrations abort at once. Only the first call does anything. */
  public void cancel() {
    List<Runnable> registered = hooks;
    if (registered == null) {
      return;
    }
    hooks = null;
    registered.forEach(Runnable::run);
  }

  public boolean cancelled() {
    return hooks == null;
  }
}
