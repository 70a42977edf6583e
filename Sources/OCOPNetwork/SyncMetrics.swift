import Foundation
import Metrics

/// The daemon's metrics, through swift-metrics (Prometheus when the daemon bootstraps it).
///
/// Per tenant: last sync time, changes merged, conflicts, refused changes, bytes in and out;
/// and a histogram of push merge latency.
struct SyncMetrics: Sendable {
    func pushed(tenant: String, applied: Int, conflicts: Int, refused: Int, duration: Duration) {
        let dimensions = [("tenant", tenant)]
        Counter(label: "ocop_changes_merged_total", dimensions: dimensions).increment(by: applied)
        Counter(label: "ocop_conflicts_total", dimensions: dimensions).increment(by: conflicts)
        Counter(label: "ocop_refused_changes_total", dimensions: dimensions).increment(by: refused)
        Timer(label: "ocop_merge_duration_seconds").recordNanoseconds(Int64(duration.components.seconds) * 1_000_000_000 + duration.components.attoseconds / 1_000_000_000)
        synced(tenant: tenant)
    }

    func synced(tenant: String) {
        Gauge(label: "ocop_last_sync_timestamp_seconds", dimensions: [("tenant", tenant)]).record(Date().timeIntervalSince1970)
    }

    func bytes(tenant: String, received: Int, sent: Int) {
        Counter(label: "ocop_bytes_received_total", dimensions: [("tenant", tenant)]).increment(by: received)
        Counter(label: "ocop_bytes_sent_total", dimensions: [("tenant", tenant)]).increment(by: sent)
    }

    func connection(opened: Bool, active: Int) {
        Gauge(label: "ocop_connections").record(active)
        Counter(label: opened ? "ocop_connections_opened_total" : "ocop_connections_closed_total").increment()
    }

    func authenticationFailed() {
        Counter(label: "ocop_authentication_failures_total").increment()
    }

    func protocolError(code: String) {
        Counter(label: "ocop_protocol_errors_total", dimensions: [("code", code)]).increment()
    }
}
