// Single-node OpenSearch 2.19 built from Maven Central jars (no distribution).
// Run: java -Xms512m -Xmx1g -cp 'lib/*' Launcher.java [RUN_DIR]   (see ops/opensearch.sh)
// Env: OPENSEARCH_RUN_DIR (default ./run), OPENSEARCH_PORT (9200), OPENSEARCH_TRANSPORT_PORT (9300).
import java.nio.file.*;
import java.util.*;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.mapper.MapperExtrasPlugin;
import org.opensearch.index.reindex.ReindexPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

public class Launcher extends Node {
    static final List<Class<? extends Plugin>> PLUGINS = List.of(Netty4Plugin.class, CommonAnalysisPlugin.class,
        ReindexPlugin.class, PainlessPlugin.class, MapperExtrasPlugin.class);

    Launcher(Environment env) { super(env, PLUGINS, true); }

    static String env(String name, String dflt) { String v = System.getenv(name); return v == null || v.isBlank() ? dflt : v; }

    public static void main(String[] args) throws Exception {
        Path run = Paths.get(args.length > 0 ? args[0] : env("OPENSEARCH_RUN_DIR", "run")).toAbsolutePath();
        Path home = run.resolve("home"), config = home.resolve("config");
        for (Path p : List.of(config, home.resolve("modules"), home.resolve("plugins"), run.resolve("data"), run.resolve("logs")))
            Files.createDirectories(p);
        Path log4j = Paths.get(env("OPENSEARCH_LOG4J", "log4j2.properties"));
        Files.copy(log4j, config.resolve("log4j2.properties"), StandardCopyOption.REPLACE_EXISTING);
        Settings settings = Settings.builder()
            .put("cluster.name", env("OPENSEARCH_CLUSTER_NAME", "maillage-test"))
            .put("node.name", env("OPENSEARCH_NODE_NAME", "maillage-node-1"))
            .put("path.home", home.toString())
            .put("path.data", run.resolve("data").toString())
            .put("path.logs", run.resolve("logs").toString())
            .put("network.host", "127.0.0.1")
            .put("http.port", env("OPENSEARCH_PORT", "9200"))
            .put("transport.port", env("OPENSEARCH_TRANSPORT_PORT", "9300"))
            .put("discovery.type", "single-node")
            .put("cluster.routing.allocation.disk.threshold_enabled", false) // test node: never go read-only on a full disk
            .put("action.auto_create_index", true)
            .build();
        Environment environment = InternalSettingsPreparer.prepareEnvironment(settings, Map.of(), config, () -> "maillage-node-1");
        LogConfigurator.registerErrorListener();
        LogConfigurator.setNodeName(environment.settings().get("node.name"));
        LogConfigurator.configure(environment);
        Node node = new Launcher(environment);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try { node.close(); node.awaitClose(10, java.util.concurrent.TimeUnit.SECONDS); } catch (Exception e) { e.printStackTrace(); }
        }, "opensearch-shutdown"));
        var log = org.apache.logging.log4j.LogManager.getLogger(Launcher.class);
        try { node.start(); } catch (Exception e) { log.error("node failed to start: {}", e.toString(), e); System.exit(1); }
        log.info("node ready on http://127.0.0.1:{}", env("OPENSEARCH_PORT", "9200"));
        new java.util.concurrent.CountDownLatch(1).await(); // node threads are daemons in places: keep main alive until killed
    }
}
