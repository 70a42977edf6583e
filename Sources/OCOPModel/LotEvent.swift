import Foundation

/// What happened to a lot along the value chain (`lot_events`, tenant scope), modelled on GS1
/// EPCIS 2.0: an **object event** (the lot was harvested, commissioned, packed, shipped…) or a
/// **transformation** that consumed input lots and produced output lots (several harvests blended
/// into one lot). Events are only added, never edited; a trace follows `inputs` → `outputs`.
///
/// `inputs` and `outputs` are JSON arrays of lot ids (lower-case UUID text), sorted;
/// `measurements` is a JSON object of measurement name → `{"value": number, "unit": text}`.
public struct LotEvent: OCOPRecord {
    public static let schema = OCOPSchema.lotEvents

    /// EPCIS event types used here.
    public enum EventType: String, Sendable, Hashable, Codable, CaseIterable {
        case object = "ObjectEvent"
        case transformation = "TransformationEvent"
    }

    public var id: UUID
    public var tenantID: UUID
    /// The lot the event is recorded for.
    public var lotID: UUID
    public var eventType: EventType
    /// The CBV business step, e.g. `harvesting`, `commissioning`, `packing`, `inspecting`, `shipping`.
    public var bizStep: String
    /// `ADD`, `OBSERVE` or `DELETE` for an object event; nil for a transformation.
    public var action: String?
    /// When it happened: ISO 8601 with the offset, e.g. `2026-03-05T08:30:00+07:00`.
    public var eventTime: String
    /// Where it happened: a place name or a GLN.
    public var readPoint: String?
    /// JSON array of the input lots' ids (transformations).
    public var inputs: String
    /// JSON array of the output lots' ids (transformations).
    public var outputs: String
    public var quantity: Double?
    public var unit: String?
    /// JSON object of measurements.
    public var measurements: String
    public var recordedBy: String

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case id
        case tenantID = "tenant_id"
        case lotID = "lot_id"
        case eventType = "event_type"
        case bizStep = "biz_step"
        case action
        case eventTime = "event_time"
        case readPoint = "read_point"
        case inputs, outputs, quantity, unit, measurements
        case recordedBy = "recorded_by"
    }

    /// Text is trimmed and normalised to NFC; blank optional text becomes `nil`.
    public init(id: UUID = UUIDv7.generate(), tenantID: UUID, lotID: UUID, eventType: EventType, bizStep: String,
                action: String? = nil, eventTime: String, readPoint: String? = nil, inputs: [UUID] = [], outputs: [UUID] = [],
                quantity: Double? = nil, unit: String? = nil, measurements: String = "{}", recordedBy: String) {
        self.id = id
        self.tenantID = tenantID
        self.lotID = lotID
        self.eventType = eventType
        self.bizStep = bizStep.trimmedNFC()
        self.action = action?.trimmedNFCOrNil()
        self.eventTime = eventTime.trimmedNFC()
        self.readPoint = readPoint?.trimmedNFCOrNil()
        self.inputs = Self.encodeLots(inputs)
        self.outputs = Self.encodeLots(outputs)
        self.quantity = quantity
        self.unit = unit?.trimmedNFCOrNil()
        self.measurements = measurements
        self.recordedBy = recordedBy.trimmedNFC()
    }

    /// The business steps accepted (GS1 Core Business Vocabulary names).
    public static let businessSteps: Set<String> = [
        "harvesting", "commissioning", "packing", "unpacking", "inspecting", "sampling", "shipping", "receiving",
        "storing", "transforming", "creating_class_instance", "retail_selling", "destroying",
    ]

    /// The EPCIS action of an object event with `step`: ADD when the lot comes into being
    /// (harvesting, commissioning), DELETE when it ends (destroying), OBSERVE otherwise.
    public static func objectAction(for step: String) -> String {
        switch step {
        case "harvesting", "commissioning": return "ADD"
        case "destroying": return "DELETE"
        default: return "OBSERVE"
        }
    }

    /// Canonical JSON text for a list of lots: lower-case ids, sorted.
    public static func encodeLots(_ lots: [UUID]) -> String {
        "[" + lots.map { "\"\($0.uuidString.lowercased())\"" }.sorted().joined(separator: ",") + "]"
    }

    /// A list of lots decoded; throws a ``ValidationError`` naming `field` if it is not a JSON
    /// array of UUIDs.
    public static func decodeLots(_ text: String, field: String) throws(ValidationError) -> [UUID] {
        guard let strings = try? JSONDecoder().decode([String].self, from: Data(text.utf8)),
              let ids = Optional(strings.compactMap(UUID.init(uuidString:))), ids.count == strings.count else {
            throw ValidationError(record: schema.name, field: field, reason: "is not a JSON array of lot ids")
        }
        return ids
    }

    /// The event time as a date and time, if it is ISO 8601 with an offset.
    public var eventDate: Date? {
        guard Self.fieldsAreInRange(eventTime) else { return nil }
        return Self.timeFormat.date(from: eventTime)
    }

    /// Whether `text` (`YYYY-MM-DDTHH:MM:SS` then `Z` or `±HH:MM`) names a real moment as
    /// written. The ISO 8601 formatter rolls 30 February into March and hour 24 into the next
    /// day; an event is never edited, so such a time must be refused, not moved.
    static func fieldsAreInRange(_ text: String) -> Bool {
        let characters = Array(text)
        guard characters.count >= 20, characters[10] == "T", (try? LocalDate(parsing: String(characters[0..<10]))) != nil else { return false }
        func number(_ range: Range<Int>) -> Int? { range.upperBound <= characters.count ? Int(String(characters[range])) : nil }
        guard let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
              hour < 24, minute < 60, second < 60 else { return false }
        let zone = String(characters[19...])
        if zone == "Z" { return true }
        guard zone.count == 6, zone.first == "+" || zone.first == "-", let zoneHours = Int(zone.dropFirst().prefix(2)),
              let zoneMinutes = Int(zone.suffix(2)), zoneHours <= 14, zoneMinutes < 60 else { return false }
        return true
    }

    nonisolated(unsafe) private static let timeFormat: ISO8601DateFormatter = {
        let format = ISO8601DateFormatter()
        format.formatOptions = [.withInternetDateTime]
        return format
    }()

    /// ``validationErrors(reference:)`` and one more rule for an event being recorded now: it
    /// is not in the future (five minutes are allowed for clocks that differ).
    public func validationErrors(reference: ReferenceData, recordedAt now: Date) -> [ValidationError] {
        var errors = validationErrors(reference: reference)
        if let date = eventDate, date > now.addingTimeInterval(300) {
            errors.append(ValidationError(record: Self.schema.name, field: "event_time", reason: "\(eventTime) is in the future: events record what happened"))
        }
        return errors
    }

    /// Checks: a known business step; an action for object events only (`ADD`, `OBSERVE`,
    /// `DELETE`); the time ISO 8601 with an offset; a transformation has inputs and is recorded
    /// under its one output lot, an object event has neither; quantity positive with a unit; measurements a JSON object.
    public func validationErrors(reference: ReferenceData) -> [ValidationError] {
        var check = FieldChecks(Self.schema.name)
        if !Self.businessSteps.contains(bizStep) {
            check.fail("biz_step", "\"\(bizStep)\" is not a business step (one of \(Self.businessSteps.sorted().joined(separator: ", ")))")
        }
        switch eventType {
        case .object:
            if !["ADD", "OBSERVE", "DELETE"].contains(action ?? "") { check.fail("action", "an ObjectEvent has action ADD, OBSERVE or DELETE") }
        case .transformation:
            if action != nil { check.fail("action", "a TransformationEvent has no action") }
        }
        if eventDate == nil { check.fail("event_time", "\"\(eventTime)\" is not an ISO 8601 time with its offset, e.g. 2026-03-05T08:30:00+07:00") }
        do {
            let ins = try Self.decodeLots(inputs, field: "inputs")
            let outs = try Self.decodeLots(outputs, field: "outputs")
            if eventType == .transformation && (ins.isEmpty || outs.isEmpty) {
                check.fail(ins.isEmpty ? "inputs" : "outputs", "a TransformationEvent names its input and output lots")
            } else if eventType == .transformation && outs != [lotID] {
                // Recorded under its output, a trace of that lot finds it by the lot's own events
                // (an index) and follows it to the inputs; a lot made in an event filed elsewhere
                // would show no origin.
                check.fail("outputs", "a TransformationEvent is recorded under its one output lot (outputs = [lot_id]); a transformation into several lots is one event per output lot")
            }
            if eventType == .object && !(ins.isEmpty && outs.isEmpty) {
                check.fail("inputs", "an ObjectEvent has no inputs or outputs")
            }
        } catch {
            check.fail(error.field, error.reason)
        }
        if let quantity {
            check.number(quantity, "quantity", atLeast: 0, exclusive: true)
            if unit == nil { check.fail("unit", "must be given when quantity is") }
        }
        check.optionalText(readPoint, "read_point")
        check.optionalText(unit, "unit", maximumLength: 32)
        check.requiredText(recordedBy, "recorded_by")
        if (try? JSONSerialization.jsonObject(with: Data(measurements.utf8))) as? [String: Any] == nil {
            check.fail("measurements", "is not a JSON object")
        }
        return check.errors
    }
}
