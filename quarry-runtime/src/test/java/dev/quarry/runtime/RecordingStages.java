package dev.quarry.runtime;

import dev.quarry.core.observe.ModelCall;
import dev.quarry.core.observe.Stage;
import dev.quarry.core.observe.StageObserver;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every stage run and model call it is told of. */
final class RecordingStages implements StageObserver {
  final List<Stage> stages = new CopyOnWriteArrayList<>();
  final List<ModelCall> calls = new CopyOnWriteArrayList<>();
  final List<dev.quarry.core.observe.ToolInvocation> tools = new CopyOnWriteArrayList<>();

  @Override
  public void toolCall(dev.quarry.core.observe.ToolInvocation call, long wallNanos) {
    tools.add(call);
  }

  @Override
  public void record(Stage stage, long wallNanos, long cpuNanos) {
    stages.add(stage);
  }

  @Override
  public void generation(ModelCall call, long wallNanos, long cpuNanos) {
    calls.add(call);
    record(Stage.GENERATE, wallNanos, cpuNanos);
  }
}
