package io.parley;

import io.parley.config.ConfigException;
import io.vertx.core.transport.Transport;

import java.util.List;
import java.util.Locale;

/**
 * The network transport under Vert.x, from {@code transport}: {@code auto} takes epoll where it loads, else
 * NIO; io_uring only when named (it needs a kernel and container runtime that allow it, and on Vert.x 5.1 /
 * Netty 4.2.15 clients that drop under load left streams open on it: see docs/configuration.md). A named
 * transport must load or start-up stops saying why.
 */
public final class Transports {

  private Transports() {
  }

  public static Transport choose(String setting) {
    String wanted = setting.toLowerCase(Locale.ROOT);
    if (wanted.equals("auto")) {
      for (Transport candidate : List.of(Transport.EPOLL)) {
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
