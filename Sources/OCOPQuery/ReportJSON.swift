import Foundation
import OCOPModel
import OCOPReplica
import OCOPStore
import OCOPSync

// The JSON form of the central office's reports and conflicts, in one place: `ocop report
// --json`, `ocop conflicts review --json` and the HTTP API print exactly these keys
// (snake_case; ids as lowercase UUIDs; dates as YYYY-MM-DD; times as ISO 8601 UTC).

extension StarsRow: Encodable {
    enum CodingKeys: String, CodingKey {
        case stars, products
        case provinceCode = "province_code", provinceName = "province_name", provinceISO = "province_iso"
        case sector, sectorName = "sector_name", producerType = "producer_type"
    }

    /// Dimensions not chosen are left out (a chosen dimension is never nil: unknown is `?`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(stars, forKey: .stars)
        try container.encode(products, forKey: .products)
        try container.encodeIfPresent(provinceCode, forKey: .provinceCode)
        try container.encodeIfPresent(provinceName, forKey: .provinceName)
        try container.encodeIfPresent(provinceISO, forKey: .provinceISO)
        try container.encodeIfPresent(sector, forKey: .sector)
        try container.encodeIfPresent(sectorName, forKey: .sectorName)
        try container.encodeIfPresent(producerType, forKey: .producerType)
    }
}

extension ExpiringCertificate: Encodable {
    enum CodingKeys: String, CodingKey {
        case certificateID = "certificate_id", number, stars, issuer, expiresOn = "expires_on", daysLeft = "days_left"
        case state, storedStatus = "status", productID = "product_id", productName = "product", provinceCode = "province_code"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(certificateID.jsonText, forKey: .certificateID)
        try container.encode(number, forKey: .number)
        try container.encode(stars, forKey: .stars)
        try container.encode(issuer, forKey: .issuer)
        try container.encode(expiresOn.description, forKey: .expiresOn)
        try container.encode(daysLeft, forKey: .daysLeft)
        try container.encode(state.rawValue, forKey: .state)
        try container.encode(storedStatus, forKey: .storedStatus)
        try container.encode(productID.jsonText, forKey: .productID)
        try container.encode(productName, forKey: .productName)
        try container.encode(provinceCode, forKey: .provinceCode)
    }
}

extension FiveStarCandidate: Encodable {
    enum CodingKeys: String, CodingKey {
        case evaluationID = "evaluation_id", productID = "product_id", productName = "product", provinceCode = "province_code"
        case evaluatedOn = "evaluated_on", council, total, stars
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(evaluationID.jsonText, forKey: .evaluationID)
        try container.encode(productID.jsonText, forKey: .productID)
        try container.encode(productName, forKey: .productName)
        try container.encode(provinceCode, forKey: .provinceCode)
        try container.encode(evaluatedOn.description, forKey: .evaluatedOn)
        try container.encode(council, forKey: .council)
        try container.encode(Score(total), forKey: .total)
        try container.encode(stars, forKey: .stars)
    }
}

extension ProvinceSyncStatus: Encodable {
    enum CodingKeys: String, CodingKey {
        case user, tenantID = "tenant_id", provinceCode = "province_code", provinceName = "province_name"
        case isEnabled = "enabled", replicas, lastSyncAt = "last_sync_at", lagSeconds = "lag_seconds"
        case feedBehind = "feed_behind", pendingConflicts = "pending_conflicts", conflictsRecorded = "conflicts_recorded", refused
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(user, forKey: .user)
        try container.encode(tenantID?.jsonText, forKey: .tenantID)
        try container.encode(provinceCode, forKey: .provinceCode)
        try container.encode(provinceName, forKey: .provinceName)
        try container.encode(isEnabled, forKey: .isEnabled)
        try container.encode(replicas, forKey: .replicas)
        try container.encode(lastSyncAt, forKey: .lastSyncAt)
        try container.encode(lagSeconds, forKey: .lagSeconds)
        try container.encode(feedBehind, forKey: .feedBehind)
        try container.encode(pendingConflicts, forKey: .pendingConflicts)
        try container.encode(conflictsRecorded, forKey: .conflictsRecorded)
        try container.encode(refused, forKey: .refused)
    }
}

extension ConflictItem: Encodable {
    enum CodingKeys: String, CodingKey {
        case id, table, rowID = "row_id", column, kind, tenantID = "tenant_id"
        case winningValue = "winning_value", winningOrigin = "winning_origin", winningReplica = "winning_replica", winningTime = "winning_time"
        case losingValue = "losing_value", losingOrigin = "losing_origin", losingReplica = "losing_replica", losingTime = "losing_time"
        case resolution
    }

    /// `concurrent_update` or `update_of_deleted_row`.
    public var kindText: String {
        switch kind {
        case .concurrentUpdate: return "concurrent_update"
        case .updateOfDeletedRow: return "update_of_deleted_row"
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(table, forKey: .table)
        try container.encode(JSONCell(key), forKey: .rowID)
        try container.encode(column, forKey: .column)
        try container.encode(kindText, forKey: .kind)
        try container.encode(tenantID?.jsonText, forKey: .tenantID)
        try container.encode(winningValue.map(JSONCell.init), forKey: .winningValue)
        try container.encode(winningOriginLabel, forKey: .winningOrigin)
        try container.encode(winningOrigin?.description, forKey: .winningReplica)
        try container.encode(winningTime.map(\.iso8601), forKey: .winningTime)
        try container.encode(JSONCell(losingValue), forKey: .losingValue)
        try container.encode(losingOriginLabel, forKey: .losingOrigin)
        try container.encode(losingOrigin.description, forKey: .losingReplica)
        try container.encode(losingTime.iso8601, forKey: .losingTime)
        try container.encode(resolution, forKey: .resolution)
    }
}

extension ConflictResolution: Encodable {
    enum CodingKeys: String, CodingKey { case choice, value, resolvedAt = "resolved_at" }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(choice, forKey: .choice)
        try container.encode(JSONCell(value), forKey: .value)
        try container.encode(resolvedAt, forKey: .resolvedAt)
    }
}

/// A stored value as JSON: integers and reals as numbers, NULL as `null`, 16-byte blobs (ids)
/// as UUID strings, other blobs as hex.
public struct JSONCell: Encodable, Sendable, Hashable {
    public var value: SyncValue
    public init(_ value: SyncValue) { self.value = value }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch value {
        case .null: try container.encodeNil()
        case .integer(let int): try container.encode(int)
        case .real(let double): if double.isFinite { try container.encode(double) } else { try container.encodeNil() }
        case .text, .blob: try container.encode(value.displayText ?? "")
        }
    }
}

extension JSONEncoder {
    /// How OCOP Sync prints JSON for people and programs: pretty, keys sorted, `/` and UTF-8
    /// text unescaped.
    public static var report: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}
