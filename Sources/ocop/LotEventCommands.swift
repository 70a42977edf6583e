import ArgumentParser
import Foundation
import OCOPModel
import OCOPReplica

extension LotCommand {
    /// `ocop lot event add`: object events. Events are append-only: there is no edit or delete.
    struct Event: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record what happened to a lot (EPCIS object events). Events are append-only.",
            discussion: """
                Events cannot be edited or deleted: a trace is evidence. Record a correcting event instead \
                (e.g. inspecting with the right measurement). Transformations are `ocop lot transform`.
                """,
            subcommands: [Add.self]
        )

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Record an object event for a lot; prints the event's id.",
                discussion: """
                    Business steps (GS1 CBV): \(LotEvent.businessSteps.sorted().joined(separator: ", ")). \
                    The EPCIS action is ADD for harvesting and commissioning (the lot comes into being), DELETE for \
                    destroying, OBSERVE for every other step. Example:
                      ocop lot event add --lot SG-2026-031 --step inspecting --time 2026-03-05T08:30:00+07:00 \\
                        --read-point "Xưởng chế biến Suối Giàng" --measure "độ ẩm=4.5:%" --measure nhiệt_độ=85:°C
                    """
            )

            @OptionGroup var replicaOptions: ReplicaOptions
            @Option(help: ArgumentHelp("The lot: id or lot code.", valueName: "lot")) var lot: String
            @Option(help: ArgumentHelp("The lot's product, when its code is shared: id, GTIN or name.", valueName: "product")) var product: String?
            @Option(help: ArgumentHelp("Business step, e.g. harvesting, packing, inspecting, shipping.", valueName: "step")) var step: String
            @Option(help: ArgumentHelp("When: ISO 8601 with the offset, e.g. 2026-03-05T08:30:00+07:00.", valueName: "time")) var time: String
            @Option(help: ArgumentHelp("Where: a place name or a GLN.", valueName: "text")) var readPoint: String?
            @Option(help: ArgumentHelp("Amount concerned (with --unit).", valueName: "number"), transform: ArgumentParsers.number) var quantity: Double?
            @Option(help: ArgumentHelp("Unit of --quantity.", valueName: "unit")) var unit: String?
            @Option(help: ArgumentHelp("A measurement, name=value:unit (repeatable), e.g. độ_ẩm=4.5:%.", valueName: "name=value:unit"))
            var measure: [String] = []
            @Option(help: ArgumentHelp("Who records the event (default: the operating-system user).", valueName: "name")) var recordedBy: String?

            func run() throws {
                let replica = try replicaOptions.open()
                let target = try replica.lot(lot, product: product)
                let step = step.trimmedNFC()
                let event = LotEvent(tenantID: target.tenantID, lotID: target.id, eventType: .object, bizStep: step,
                                     action: LotEvent.objectAction(for: step), eventTime: time, readPoint: readPoint,
                                     quantity: quantity, unit: unit, measurements: try measurementsJSON(measure),
                                     recordedBy: Replica.decider(recordedBy))
                try checkEvent(event)
                try replica.save(event)
                print(event.id.lowercasedString)
            }
        }
    }

    struct Transform: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record that input lots became output lots (an EPCIS transformation); prints the events' ids.",
            discussion: """
                E.g. several harvests blended into one lot. Inputs and outputs must be recorded lots of the same \
                province, none both. One event is recorded under each output lot (so every output's trace finds its \
                inputs), one id printed per line; `ocop lot show` and the public trace page follow these links \
                transitively. Append-only, like every event. Example:
                  ocop lot transform --inputs H-0301,H-0302 --outputs SG-2026-031 --time 2026-03-06T07:00:00+07:00
                """
        )

        @OptionGroup var replicaOptions: ReplicaOptions
        @Option(help: ArgumentHelp("Input lots, comma-separated: ids or lot codes.", valueName: "lots")) var inputs: String
        @Option(help: ArgumentHelp("Output lots, comma-separated: ids or lot codes.", valueName: "lots")) var outputs: String
        @Option(help: ArgumentHelp("Business step.", valueName: "step")) var step = "transforming"
        @Option(help: ArgumentHelp("When: ISO 8601 with the offset.", valueName: "time")) var time: String
        @Option(help: ArgumentHelp("Where: a place name or a GLN.", valueName: "text")) var readPoint: String?
        @Option(help: ArgumentHelp("Amount produced (with --unit).", valueName: "number"), transform: ArgumentParsers.number) var quantity: Double?
        @Option(help: ArgumentHelp("Unit of --quantity.", valueName: "unit")) var unit: String?
        @Option(help: ArgumentHelp("A measurement, name=value:unit (repeatable).", valueName: "name=value:unit")) var measure: [String] = []
        @Option(help: ArgumentHelp("Who records the event (default: the operating-system user).", valueName: "name")) var recordedBy: String?

        func run() throws {
            let replica = try replicaOptions.open()
            let ins = try lots(inputs, "--inputs", replica)
            let outs = try lots(outputs, "--outputs", replica)
            if let both = ins.first(where: { input in outs.contains { $0.id == input.id } }) {
                throw CLIError.badData("lot_events.inputs: lot \(both.lotCode) is both an input and an output")
            }
            let first = outs[0]
            if let stranger = (ins + outs).first(where: { $0.tenantID != first.tenantID }) {
                throw CLIError.badData("lot_events.inputs: lot \(stranger.lotCode) is of another province than \(first.lotCode); a transformation stays within one province")
            }
            // One event per output lot, each recorded under its output: the trace of every output
            // finds its inputs.
            if outs.count > 1, quantity != nil {
                throw CLIError.usage("--quantity is the amount of one output lot; with several outputs, each lot's own quantity (ocop lot edit) says what it holds")
            }
            let measurements = try measurementsJSON(measure)
            let events = outs.map { output in
                LotEvent(tenantID: first.tenantID, lotID: output.id, eventType: .transformation, bizStep: step.trimmedNFC(),
                         eventTime: time, readPoint: readPoint, inputs: ins.map(\.id), outputs: [output.id],
                         quantity: quantity, unit: unit, measurements: measurements, recordedBy: Replica.decider(recordedBy))
            }
            for event in events { try checkEvent(event) }
            try replica.saveAll(events)
            for event in events { print(event.id.lowercasedString) }
        }

        private func lots(_ list: String, _ option: String, _ replica: Replica) throws -> [Batch] {
            let references = list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard !references.isEmpty else { throw CLIError.usage("\(option) names no lots") }
            var found: [Batch] = []
            for reference in references {
                let lot = try replica.lot(reference)
                if found.contains(where: { $0.id == lot.id }) { throw CLIError.badData("lot_events.\(option.dropFirst(2)): lot \(lot.lotCode) is named twice") }
                found.append(lot)
            }
            return found
        }
    }
}


/// The event's own rules, and not in the future (five minutes' grace for clocks; exit 1).
private func checkEvent(_ event: LotEvent, now: Date = Date()) throws {
    let errors = event.validationErrors(reference: .standard, recordedAt: now)
    if !errors.isEmpty { throw ValidationErrors(errors) }
}

/// `--measure name=value:unit` options as the JSON object `lot_events.measurements` holds,
/// keys sorted (exit 1 naming the option's text if one is malformed or repeated).
func measurementsJSON(_ options: [String]) throws -> String {
    var measurements: [String: [String: Any]] = [:]
    for option in options {
        let text = option.trimmedNFC()
        guard let equals = text.firstIndex(of: "="), let colon = text[equals...].firstIndex(of: ":") else {
            throw CLIError.badData("lot_events.measurements: \"\(text)\" is not name=value:unit (e.g. độ_ẩm=4.5:%)")
        }
        let name = text[..<equals].trimmingCharacters(in: .whitespaces)
        let valueText = text[text.index(after: equals)..<colon].trimmingCharacters(in: .whitespaces)
        let unit = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, !unit.isEmpty, let value = try? ArgumentParsers.number(valueText) else {
            throw CLIError.badData("lot_events.measurements: \"\(text)\" is not name=value:unit with a number value (e.g. độ_ẩm=4.5:%)")
        }
        if measurements[name] != nil { throw CLIError.badData("lot_events.measurements: \(name) is measured twice") }
        measurements[name] = ["value": value, "unit": unit]
    }
    let data = try JSONSerialization.data(withJSONObject: measurements, options: [.sortedKeys, .withoutEscapingSlashes])
    return String(decoding: data, as: UTF8.self)
}
