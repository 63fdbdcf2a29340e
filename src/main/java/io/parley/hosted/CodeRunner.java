package io.parley.hosted;

import io.parley.upstream.Cancellation;
import io.vertx.core.Future;

/**
 * Where Parley runs the hosted {@code code_interpreter} tool: a sandbox that runs code and says what it printed.
 * Never fails: a run that could not happen is a failed {@link CodeRun} saying why.
 */
public interface CodeRunner {

  Future<CodeRun> run(String code, Cancellation cancel);

  /**
   * @param output what the run printed (stdout and stderr), or why it failed
   * @param failed the code could not run, or the sandbox reported an error
   */
  record CodeRun(String output, boolean failed) {
  }
}
