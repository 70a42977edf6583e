import ArgumentParser
import Foundation
import Logging
import Metrics
import NIOCore
import OCOPFeeds
import OCOPHTTP
import OCOPNetwork
import OCOPStore
import Prometheus
import ServiceLifecycle

@main
struct SyncDaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ocop-syncd",
        abstract: "The OCOP central sync daemon: merges the provinces' nightly changes into the national dataset.",
        version: DaemonVersion.text,
        subcommands: [Serve.self, Tenant.self, Inspector.self, Central.self, Token.self, Backup.self, CredentialChangesCommand.self, CollectTombstones.self, Status.self, ForgetReplica.self, StoreCommand.self],
        defaultSubcommand: Serve.self
    )
}

/// Options every command shares: where the configuration and the data are.
struct DaemonOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (JSON). Without it, defaults apply.")
    var config: String?

    @Option(name: .long, help: "Data directory (overrides the configuration file).")
    var dataDir: String?

    @Option(name: .long, help: "The national store on PostgreSQL, as postgres://USER@HOST:PORT/DATABASE (overrides the configuration file; default: SQLite in the data directory).")
    var store: String?

    @Option(name: .long, help: "A file holding the PostgreSQL password (else PGPASSWORD).")
    var storePasswordFile: String?

    @Option(name: .long, help: "A read-only streaming standby for the HTTP API's reads, reports and feeds (postgres://…).")
    var storeStandby: String?

    func load() throws -> ServerConfiguration {
        var configuration = try config.map(ServerConfiguration.load(path:)) ?? ServerConfiguration()
        if let dataDir { configuration.dataDirectory = dataDir }
        if let store { configuration.store = store }
        if let storePasswordFile { configuration.storePasswordFile = storePasswordFile }
        if let storeStandby { configuration.storeStandby = storeStandby }
        if let problem = configuration.problems.first { throw ConfigurationError(message: problem) }
        return configuration
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the daemon until SIGTERM or SIGINT (the default command).")

    @OptionGroup var options: DaemonOptions

    @Option(name: .long, help: "Listen address as HOST:PORT (overrides the configuration file).")
    var listen: String?

    @Option(name: .long, help: "Write the bound port to this file once listening (for scripts and tests).")
    var portFile: String?

    @Option(name: .long, help: "Serve the HTTP API, dashboard and feeds at HOST:PORT (overrides the configuration file).")
    var http: String?

    @Option(name: .long, help: "Write the HTTP server's bound port to this file once listening.")
    var httpPortFile: String?

    func run() async throws {
        var configuration = try options.load()
        if let listen { configuration.listen = try .init(parsing: listen, option: "--listen") }
        if let http {
            let endpoint = try ServerConfiguration.Endpoint(parsing: http, option: "--http")
            var settings = configuration.http ?? ServerConfiguration.HTTP()
            settings.host = endpoint.host
            settings.port = endpoint.port
            configuration.http = settings
        }
        let level = Logger.Level(rawValue: configuration.logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "ocop.syncd")
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))

        let store = try await options.openStore(configuration)
        // Which store this daemon serves, so the journal shows that `store` took effect.
        logger.info("national store", metadata: ["store": "\(configuration.store ?? configuration.databasePath)"])
        // Last sync times survive restarts: seed the gauges from the store, so an alert on a
        // province that stopped syncing does not reset when the daemon restarts.
        let parser = ISO8601DateFormatter()
        for account in try await store.accounts() {
            if let last = account.lastSyncAt.flatMap(parser.date(from:)) {
                Gauge(label: "ocop_last_sync_timestamp_seconds", dimensions: [("tenant", account.code ?? account.user)])
                    .record(last.timeIntervalSince1970)
            }
        }
        // The HTTP server is set up before anything listens, so a missing resource bundle or
        // signing key stops the start with its error instead of after the sync port opened.
        var httpService: (any Service)?
        if let settings = configuration.http {
            let httpServer = try CentralHTTPServer(
                store: store,
                configuration: CentralHTTPConfiguration(
                    host: settings.host, port: settings.port, dashboardDirectory: settings.dashboardDirectory,
                    feedSigningKey: try FeedSigningKeyFile.load(path: configuration.feedSigningKeyPath,
                                                                createIfMissing: settings.feedSigningKey == nil, logger: logger),
                    feedCacheBytes: max(settings.feedCacheMegabytes, 1) << 20, publicURL: settings.publicURL,
                    filesDirectory: configuration.attachmentFilesPath),
                logger: Logger(label: "ocop.http"))
            let httpPortFile = self.httpPortFile
            httpService = httpServer.application { channel in
                guard let address = channel.localAddress else { return }
                logger.info("HTTP API and dashboard at http://\(address.ipAddress ?? "?"):\(address.port ?? 0)/dashboard/")
                if let httpPortFile, let port = address.port {
                    try? String(port).write(toFile: httpPortFile, atomically: true, encoding: .utf8)
                }
            }
        }
        let files = FileReceiver(registry: store, directory: NationalFileDirectory(path: configuration.attachmentFilesPath),
                                 quotaBytes: Int64(configuration.limits.attachmentMegabytesPerProvince) * 1_000_000)
        let server = SyncServer(
            configuration: configuration, store: store,
            fakeSaltKey: try DaemonFiles.serverSecret(dataDirectory: configuration.dataDirectory), logger: logger, files: files
        )
        let listener = try await AddressInUse.naming(configuration.listen, setting: "listen", flag: "--listen") { try await server.bind() }
        if let portFile, let port = listener.localAddress.port {
            try String(port).write(toFile: portFile, atomically: true, encoding: .utf8)
        }
        var metricsChannel: (any Channel)?
        if let endpoint = configuration.metrics {
            metricsChannel = try await AddressInUse.naming(endpoint, setting: "metrics", flag: nil) {
                try await MetricsServer(registry: registry).start(host: endpoint.host, port: endpoint.port)
            }
        }
        if let address = metricsChannel?.localAddress { logger.info("metrics at http://\(address.ipAddress ?? "?"):\(address.port ?? 0)/metrics") }
        var services: [any Service] = [BoundServer(server: server, listener: listener)] + (httpService.map { [$0] } ?? [])
        if let lag = StandbyLagReporter(store: store, logger: logger) { services.append(lag) }
        let group = ServiceGroup(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint], cancellationSignals: [], logger: logger
        )
        let httpEndpoint = configuration.http.map { ServerConfiguration.Endpoint(host: $0.host, port: $0.port) }
        if let httpEndpoint {
            try await AddressInUse.naming(httpEndpoint, setting: "http", flag: "--http") { try await group.run() }
        } else {
            try await group.run()
        }
        try await metricsChannel?.close()
        logger.info("stopped")
    }
}

/// The server with its already bound socket, as a service.
struct BoundServer: Service {
    let server: SyncServer
    let listener: SyncServer.Listener

    func run() async throws {
        do {
            try await cancelWhenGracefulShutdown { try await server.serve(listener) }
        } catch is CancellationError {
            // Graceful shutdown: the listener is closed and connections ended after their request.
        }
    }
}
