package dev.quarry.cli;

import dev.quarry.core.error.InvalidInputException;
import dev.quarry.core.error.NotFoundException;
import dev.quarry.engine.Quarry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "delete", description = "Delete documents by id, or a whole collection with --all.")
final class DeleteCommand implements Callable<Integer> {

  @Option(names = {"-c", "--collection"}, required = true, paramLabel = "NAME")
  String collection;

  @Option(names = "--id", paramLabel = "ID", description = "Document id to delete. Repeatable.")
  List<String> ids = new ArrayList<>();

  @Option(names = "--all", description = "Delete the whole collection and its index files.")
  boolean all;

  @Mixin DataDirOption data;

  @Override
  public Integer call() {
    if (all == !ids.isEmpty()) {
      throw new InvalidInputException("give either --id ID (repeatable) or --all, not " + (all ? "both" : "neither"));
    }
    try (DataDirOption.Session session = data.openForWriting("delete")) {
      Quarry quarry = session.quarry();
      if (all) {
        if (!quarry.drop(collection)) {
          throw new NotFoundException("collection '" + collection + "' does not exist");
        }
        System.out.println("deleted collection " + collection);
        return 0;
      }
      var c = quarry.get(collection);
      int missing = 0;
      for (String id : ids) {
        if (c.delete(id)) {
          System.out.println("deleted " + id);
        } else {
          System.out.println("not found: " + id);
          missing++;
        }
      }
      return missing == ids.size() ? 3 : 0;
    }
  }
}
