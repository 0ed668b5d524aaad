import java.io.InputStream;
import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB Local, as its own ServerRunner starts it, with two differences the jar offers no flag for:
 *
 * - It listens on one address (the property techteam.bindHost, 127.0.0.1 by default). The jar
 *   builds Jetty with `new Server(port)`, which binds every interface; the connector's host is set
 *   here before the server starts. The engine has no authentication, so it must not be reachable
 *   from the network.
 * - It dies with its parent: the parent holds the other end of stdin, and when it exits, however
 *   it exits (kill -9 included), the read below sees end-of-file and the engine stops.
 */
public final class LoopbackDynamoDBLocal {
  public static void main(String[] args) throws Exception {
    String host = System.getProperty("techteam.bindHost", "127.0.0.1");
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    for (Connector connector : server.getConnectors()) {
      ((ServerConnector) connector).setHost(host);
    }
    Thread watchdog = new Thread(() -> {
      try {
        InputStream in = System.in;
        byte[] buffer = new byte[256];
        while (in.read(buffer) >= 0) {
          // The parent never writes; anything it did write is ignored.
        }
      } catch (Exception e) {
        // A broken pipe means the parent is gone, as end-of-file does.
      }
      System.err.println("LoopbackDynamoDBLocal: parent gone (stdin closed), stopping");
      Runtime.getRuntime().halt(0);
    }, "parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
    proxy.start();
    System.out.println("LoopbackDynamoDBLocal: listening on " + host + ":" + server.getURI().getPort());
  }
}
