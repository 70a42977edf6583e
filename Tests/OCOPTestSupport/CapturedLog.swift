import Foundation
import Logging

/// Log records kept in memory, for tests that read what a component logs.
package final class CapturedLog: @unchecked Sendable {
    package struct Entry {
        package var level: Logger.Level
        package var message: String
        package var metadata: Logger.Metadata
    }
    private let lock = NSLock()
    private var _entries: [Entry] = []

    package init() {}

    package var entries: [Entry] { lock.withLock { _entries } }
    package func append(_ entry: Entry) { lock.withLock { _entries.append(entry) } }

    /// A logger whose records (info and above) are kept here.
    package var logger: Logger {
        Logger(label: "ocop.test") { _ in CapturingHandler(log: self) }
    }
}

/// The handler behind ``CapturedLog/logger``.
package struct CapturingHandler: LogHandler {
    let log: CapturedLog
    package var metadata: Logger.Metadata = [:]
    package var logLevel: Logger.Level = .info

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        log.append(.init(level: event.level, message: event.message.description, metadata: metadata.merging(event.metadata ?? [:]) { $1 }))
    }
}
