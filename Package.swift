// swift-tools-version:6.1
import PackageDescription

/// Settings applied to every target, in one place (as swift-log and Hummingbird do).
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "ocop-sync",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "OCOPModel", targets: ["OCOPModel"]),
        .library(name: "OCOPSync", targets: ["OCOPSync"]),
        .library(name: "OCOPWire", targets: ["OCOPWire"]),
        .library(name: "OCOPReplica", targets: ["OCOPReplica"]),
        .library(name: "OCOPStore", targets: ["OCOPStore"]),
        .library(name: "OCOPPostgres", targets: ["OCOPPostgres"]),
        .library(name: "OCOPFeeds", targets: ["OCOPFeeds"]),
        .library(name: "OCOPQuery", targets: ["OCOPQuery"]),
        .library(name: "OCOPHTTP", targets: ["OCOPHTTP"]),
        .library(name: "OCOPWorkspace", targets: ["OCOPWorkspace"]),
        .executable(name: "ocop", targets: ["ocop"]),
        .executable(name: "ocop-syncd", targets: ["ocop-syncd"]),
        .executable(name: "ocop-bench", targets: ["ocop-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.29.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.10.0"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.1.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        // The HTTP API and dashboard. Traits off: we need neither swift-configuration nor the
        // extra Foundation support, and leaving them out keeps the build smaller.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0", traits: []),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        // The national dataset on PostgreSQL, for central offices that outgrow one machine.
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.0"),
        // The province workspace (`ocop serve`): sessions and bcrypt for its local accounts,
        // Mustache templates for its pages.
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.0"),
        // The workspace's CSV upload (multipart/form-data), parsed by a maintained parser.
        .package(url: "https://github.com/vapor/multipart-kit", from: "4.7.0"),
    ],
    targets: [
        // System libraries: zlib for the wire codec (preset dictionaries, output caps).
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // libdeflate's CRC-32 for frame checksums: zlib's is the slowest step of a file chunk.
        .systemLibrary(name: "CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
        // libqrencode for the QR codes on lot labels (`ocop lot label`); only the CLI links it.
        .systemLibrary(name: "CQREncode", pkgConfig: "libqrencode", providers: [.apt(["libqrencode-dev"])]),
        // No pkgConfig: its flags carry -pthread, which SwiftPM refuses (see shim.h).
        .systemLibrary(name: "CVips", providers: [.apt(["libvips-dev"])]),
        // Web-sized copies of attached photos (libvips), for the HTTP server.
        .target(name: "OCOPImages", dependencies: ["CVips"], swiftSettings: swiftSettings),

        // Domain: OCOP records, reference data, validation. Knows nothing of sync or storage.
        .target(
            name: "OCOPModel",
            // Crypto: inspections are signed by the state's offices (Ed25519), verified anywhere.
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            exclude: ["README.md"],
            swiftSettings: swiftSettings,
            // Foundation's own ICU, for fast Vietnamese collation keys (VietnameseSortKey.swift).
            linkerSettings: [.linkedLibrary("_FoundationICU", .when(platforms: [.linux]))]
        ),
        // Sync semantics: clocks, dots, version vectors, changes, the one merge. Pure values.
        .target(name: "OCOPSync", swiftSettings: swiftSettings),
        // Wire codec: frames and messages as bytes. No SwiftNIO, no SQLite.
        .target(name: "OCOPWire", dependencies: ["OCOPSync", "CZlib", "CDeflate"], swiftSettings: swiftSettings),
        // Replica: an OCOP dataset in SQLite with change capture and merge (province and central).
        .target(
            name: "OCOPReplica",
            dependencies: [
                "OCOPModel", "OCOPSync",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                // Attachments are addressed by the SHA-256 of their bytes.
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Central store: the national dataset, tenants, cursors, credentials.
        .target(
            name: "OCOPStore",
            dependencies: [
                "OCOPReplica", "OCOPSync", "OCOPModel",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                // Threads of its own for blocking SQLite work (StoreThreads).
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The national store on PostgreSQL: the same protocols as the SQLite store, for several
        // daemons over one database and reads from a standby.
        .target(
            name: "OCOPPostgres",
            dependencies: [
                "OCOPStore", "OCOPReplica", "OCOPSync", "OCOPModel",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // Feeds: certified products for international partners (JSON-LD, CSV, DCAT), signed manifests.
        .target(
            name: "OCOPFeeds",
            dependencies: [
                "OCOPModel", "OCOPReplica", "OCOPStore", "OCOPSync",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            exclude: ["README.md"],
            swiftSettings: swiftSettings
        ),
        // Central office: read-only queries, reports, conflict review and central decisions
        // over the national dataset.
        .target(
            name: "OCOPQuery",
            dependencies: ["OCOPModel", "OCOPReplica", "OCOPStore", "OCOPSync"],
            swiftSettings: swiftSettings
        ),
        // HTTP: the central office's JSON API, the dashboard and the partner feeds over Hummingbird.
        .target(
            name: "OCOPHTTP",
            dependencies: [
                "OCOPQuery", "OCOPFeeds", "OCOPStore", "OCOPReplica", "OCOPModel", "OCOPSync", "CZlib", "OCOPImages",
                .product(name: "Hummingbird", package: "hummingbird"),
                // The HTTP/1.1 channel, to put RequestTargetEncoder in front of its parser.
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                // The thread pool that image decoding runs on.
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            resources: [.copy("Dashboard"), .copy("openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        // Network: the daemon and the province sync client over SwiftNIO.
        .target(
            name: "OCOPNetwork",
            dependencies: [
                "OCOPWire", "OCOPStore", "OCOPReplica", "OCOPSync", "OCOPModel",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),

        // The province workspace: a web app over one replica for the province's officers.
        .target(
            name: "OCOPWorkspace",
            dependencies: [
                "OCOPModel", "OCOPReplica", "OCOPNetwork",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "MultipartKit", package: "multipart-kit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Resources")],
            swiftSettings: swiftSettings
        ),

        .executableTarget(
            name: "ocop",
            dependencies: [
                "OCOPModel", "OCOPSync", "OCOPReplica", "OCOPStore", "OCOPNetwork", "OCOPFeeds", "OCOPQuery", "OCOPWorkspace",
                // Lot labels: the QR code (libqrencode) and the PNG's deflate and CRC (zlib).
                "CQREncode", "CZlib",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                // `ocop serve`: the workspace's application in a service group, with its TLS.
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ocop-syncd",
            dependencies: [
                "OCOPModel", "OCOPNetwork", "OCOPStore", "OCOPPostgres", "OCOPSync", "OCOPHTTP", "OCOPFeeds",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ocop-bench",
            dependencies: [
                "OCOPModel", "OCOPSync", "OCOPWire", "OCOPReplica", "OCOPStore", "OCOPPostgres", "OCOPNetwork", "OCOPHTTP", "OCOPQuery", "OCOPFeeds", "OCOPWorkspace", "ocop-syncd",
                .product(name: "Hummingbird", package: "hummingbird"),
                // The PostgreSQL baseline writes straight into the server (COPY), as the SQLite one does with GRDB.
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // Seeded national datasets shared by the tests of the central office's modules.
        .target(
            name: "OCOPTestSupport",
            dependencies: [
                "OCOPQuery", "OCOPStore", "OCOPPostgres", "OCOPReplica", "OCOPModel", "OCOPSync", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/OCOPTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "OCOPModelTests", dependencies: ["OCOPModel"], exclude: ["Fixtures"], swiftSettings: swiftSettings),
        .testTarget(name: "OCOPSyncTests", dependencies: ["OCOPSync"], swiftSettings: swiftSettings),
        .testTarget(name: "OCOPWireTests", dependencies: ["OCOPWire", "OCOPSync", "OCOPTestSupport"], swiftSettings: swiftSettings),
        .testTarget(
            name: "OCOPNetworkTests",
            dependencies: [
                "OCOPNetwork", "OCOPWire", "OCOPSync", "OCOPStore", "OCOPReplica",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OCOPDaemonTests",
            dependencies: [
                "ocop-syncd", "ocop", "OCOPTestSupport", "OCOPNetwork", "OCOPStore", "OCOPPostgres", "OCOPReplica", "OCOPWire", "OCOPSync", "OCOPModel",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OCOPStoreTests",
            dependencies: [
                "OCOPStore", "OCOPPostgres", "OCOPTestSupport", "OCOPReplica", "OCOPModel", "OCOPSync", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OCOPFeedsTests",
            dependencies: [
                "OCOPFeeds", "OCOPTestSupport", "OCOPStore", "OCOPPostgres", "OCOPReplica", "OCOPModel", "OCOPSync",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OCOPQueryTests",
            dependencies: ["OCOPQuery", "OCOPTestSupport", "OCOPStore", "OCOPReplica", "OCOPModel", "OCOPSync", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OCOPWorkspaceTests",
            dependencies: [
                "OCOPWorkspace", "OCOPTestSupport", "OCOPReplica", "OCOPModel", "OCOPNetwork", "OCOPStore", "OCOPSync",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OCOPHTTPTests",
            dependencies: [
                "OCOPHTTP", "OCOPTestSupport", "OCOPQuery", "OCOPFeeds", "OCOPStore", "OCOPReplica", "OCOPModel", "OCOPSync",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "OCOPReplicaTests",
            dependencies: ["OCOPTestSupport", "OCOPReplica", "OCOPModel", "OCOPSync", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        // Runs the built `ocop` binary as a subprocess; depending on it makes `swift test` build it.
        .testTarget(
            name: "OCOPCLITests",
            dependencies: [
                "ocop", "OCOPTestSupport", "OCOPModel", "OCOPReplica", "OCOPSync", "OCOPStore", "OCOPFeeds", "OCOPWire",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
