package dev.quarry.runtime;

import dev.quarry.runtime.assemble.Context;

/**
 * Hears an answer as it is made, on the answering thread: the context once assembled (before the
 * model is called), then the answer's text piece by piece, markers to unknown passages already
 * removed. Throwing from {@link #delta} cancels the model call (a client that went away).
 */
public interface AnswerListener {

  void context(Context context);

  void delta(String text);

  AnswerListener NONE = new AnswerListener() {
    @Override
    public void context(Context context) {}

    @Override
    public void delta(String text) {}
  };
}
