package io.parley;

import io.parley.config.ConfigException;
import io.vertx.core.transport.Transport;

import java.util.List;
import java.util.Locale;

/**
 * The network transport under Vert.x, from {@code transport}: {@code auto} takes the first that loads of
 * io_uring, epoll and NIO (io_uring needs a kernel and container runtime that allow it; many seccomp profiles
 * forbid it, and then it does not load); a named one must load or start-up stops saying why.
 */
public final class Transports {

  private Transports() {
  }

  public static Transport choose(String setting) {
    String wanted = setting.toLowerCase(Locale.ROOT);
    if (wanted.equals("auto")) {
      for (Transport candidate : List.of(Transport.IO_URING, Transport.EPOLL)) {
        if (candidate.available()) {
          return candidate;
        }
      }
      return Transport.NIO;
    }
    Transport named = switch (wanted) {
      case "io_uring" -> Transport.IO_URING;
      case "epoll" -> Transport.EPOLL;
      case "nio" -> Transport.NIO;
      default -> throw new ConfigException("transport: must be auto, io_uring, epoll or nio");
    };
    if (!named.available()) {
      Throwable why = named.unavailabilityCause();
      throw new ConfigException("transport: " + wanted + " is not available here"
          + (why == null ? "" : " (" + why.getMessage() + ")") + "; use auto");
    }
    return named;
  }

  public static String name(Transport transport) {
    return transport == Transport.IO_URING ? "io_uring" : transport == Transport.EPOLL ? "epoll"
        : transport == Transport.NIO ? "nio" : transport.name().toLowerCase(Locale.ROOT);
  }
}
