package dev.quarry.cli;

import dev.quarry.core.observe.StageObserver;
import dev.quarry.engine.EngineConfig;
import dev.quarry.engine.Quarry;
import dev.quarry.llm.ModelCatalog;
import dev.quarry.llm.config.LlmConfig;
import dev.quarry.runtime.Answer;
import dev.quarry.runtime.AnswerListener;
import dev.quarry.runtime.AnswerModels;
import dev.quarry.runtime.AnswerObserver;
import dev.quarry.runtime.AnswerPipeline;
import dev.quarry.runtime.AnswerRequest;
import dev.quarry.runtime.AnswerSettings;
import dev.quarry.runtime.Degradation;
import dev.quarry.runtime.cite.Citation;
import dev.quarry.runtime.retrieve.Source;
import dev.quarry.server.ServerConfig;
import dev.quarry.server.config.RuntimeConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code quarry ask}: the answer pipeline of {@code /v1/chat} on a data directory. Without {@code
 * --config} it answers extractively; with it (or {@code $QUARRY_CONFIG}, as for {@code serve}) it
 * reads the file's {@code llm} and {@code answer} sections, so it can call the configured models,
 * and the file's {@code data_dir} unless {@code --data-dir} is given.
 */
@Command(name = "ask", description = "Answer a question from one or more collections, with numbered sources "
    + "(the extractive answerer by default, or a model configured in --config).")
final class AskCommand implements Callable<Integer> {

  @Parameters(index = "0", paramLabel = "QUESTION", description = "What to ask.")
  String question;

  @Option(names = {"-c", "--collection"}, required = true, paramLabel = "NAME",
      description = "A collection to answer from; repeat for several.")
  List<String> collections = new ArrayList<>();

  @Option(names = {"-k", "--k"}, defaultValue = "5", description = "Passages to retrieve (default 5).")
  int k;

  @Option(names = "--filter", paramLabel = "EXPR",
      description = "Metadata filter, as for search: FIELD=VALUE, FIELD>=X ... Repeat to require several.")
  List<String> filters = new ArrayList<>();

  @Option(names = "--max-words", description = "Length of the answer in words (default 120).")
  Integer maxWords;

  @Option(names = "--timeout-ms", defaultValue = "30000", description = "Time for the whole answer (default 30000).")
  long timeoutMs;

  @Option(names = "--json", description = "Print JSON.")
  boolean json;

  @Option(names = "--config", paramLabel = "FILE",
      description = "YAML configuration file, as for serve (default: $QUARRY_CONFIG, else none): its llm and "
          + "answer sections, and its data_dir unless --data-dir is given.")
  Path configFile;

  @Option(names = "--model", paramLabel = "NAME",
      description = "The model that writes the answer: extractive, or a model of the configuration (default: its "
          + "llm.default_model, else extractive).")
  String model;

  @Mixin DataDirOption data;

  @Spec CommandSpec spec;

  /** The configuration's runtime sections and data directory; the embedded defaults without a file. */
  private record Settings(RuntimeConfig runtime, Path dataDir) {}

  private Settings settings() {
    boolean dataDirGiven = spec.commandLine().getParseResult().hasMatchedOption("--data-dir");
    boolean file = configFile != null || Optional.ofNullable(System.getenv(ServerConfig.CONFIG_ENV))
        .filter(v -> !v.isBlank()).isPresent();
    if (!file) {
      return new Settings(RuntimeConfig.DEFAULT, data.dataDir);
    }
    ServerConfig config = ServerConfig.load(Optional.ofNullable(configFile), System.getenv(),
        new ServerConfig.Flags(Optional.empty(), Optional.empty(),
            dataDirGiven ? Optional.of(data.dataDir) : Optional.empty()));
    return new Settings(config.runtime(), config.dataDir());
  }

  @Override
  public Integer call() {
    Settings settings = settings();
    AnswerSettings answer = settings.runtime().answer();
    try (Quarry quarry = Quarry.open(EngineConfig.defaults(settings.dataDir()));
         ModelCatalog catalog = ModelCatalog.build(settings.runtime().llm(),
             name -> Optional.ofNullable(System.getenv(name)), Clock.systemUTC())) {
      List<Source> sources = collections.stream().map(name -> new Source(name, quarry.get(name))).toList();
      AnswerModels models = new AnswerModels(catalog, answer);
      String chosen = model != null ? model : models.defaultModel();
      models.resolve(chosen); // an unknown model fails before retrieval, naming the configured ones
      AnswerPipeline pipeline = AnswerPipeline.standard(models, answer, StageObserver.NONE, AnswerObserver.NONE,
          Clock.systemUTC());
      AnswerRequest request = new AnswerRequest(question, List.of(), sources, k,
          FilterExpression.parseAll(filters), chosen,
          maxWords == null ? OptionalInt.empty() : OptionalInt.of(maxWords), OptionalDouble.empty(),
          Clock.systemUTC().instant().plus(Duration.ofMillis(timeoutMs)));
      Answer a = pipeline.answer(request, AnswerListener.NONE);
      if (json) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("answer", a.text());
        m.put("citations", a.citations().stream().map(AskCommand::citation).toList());
        m.put("model", a.model());
        m.put("degraded", a.degraded().stream().map(d -> Map.of("stage", d.stage(), "reason", d.reason(),
            "fallback", d.fallback())).toList());
        m.put("generations", a.generations());
        System.out.println(Json.write(m));
      } else {
        print(a);
      }
    }
    return 0;
  }

  private static Map<String, Object> citation(Citation c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("id", c.id());
    m.put("collection", c.collection());
    m.put("document_id", c.documentId());
    m.put("chunk", c.chunk());
    m.put("start", c.start());
    m.put("end", c.end());
    m.put("quote", c.quote());
    return m;
  }

  private static void print(Answer a) {
    System.out.println(a.text());
    if (!a.citations().isEmpty()) {
      System.out.println();
      System.out.println("Sources:");
    }
    for (Citation c : a.citations()) {
      System.out.printf(Locale.ROOT, "[%d] %s/%s#%d (characters %d-%d): %s%n", c.id(), c.collection(), c.documentId(),
          c.chunk(), c.start(), c.end(), c.quote().replace('\n', ' '));
    }
    for (Degradation d : a.degraded()) {
      System.out.println("(degraded at " + d.stage() + ": " + d.reason() + "; used " + d.fallback() + ")");
    }
  }
}
