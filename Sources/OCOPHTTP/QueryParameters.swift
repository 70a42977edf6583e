import Foundation
import Hummingbird
import OCOPModel

/// The query string of a request, checked strictly: an unknown parameter, a repeated one, bad
/// percent-encoding or a value of the wrong form is a 400 naming the parameter, so a typo
/// (`provnce=01`) is never silently ignored.
struct QueryParameters {
    private var values: [String: String] = [:]

    init(_ request: Request, allowed: Set<String>) throws {
        guard let query = request.uri.query, !query.isEmpty else { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            // Form encoding writes spaces as `+`.
            func decode(_ text: Substring) throws -> String {
                guard let decoded = text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding else {
                    throw APIError.badParameter("\"\(text)\" is not valid percent-encoded UTF-8")
                }
                return decoded.precomposedStringWithCanonicalMapping
            }
            let name = try decode(parts[0])
            guard allowed.contains(name) else {
                let known = allowed.sorted().joined(separator: ", ")
                throw APIError.badParameter("unknown parameter \"\(name)\"" + (known.isEmpty ? "; this route takes none" : "; this route takes: \(known)"))
            }
            guard values[name] == nil else { throw APIError.badParameter("\(name): given more than once") }
            values[name] = parts.count == 2 ? try decode(parts[1]) : ""
        }
    }

    /// The trimmed text of `name`, nil if absent; present but empty is an error.
    func string(_ name: String) throws -> String? {
        guard let raw = values[name] else { return nil }
        let text = raw.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty else { throw APIError.badParameter("\(name): empty value") }
        return text
    }

    func int(_ name: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = try string(name) else { return value }
        guard let number = Int(text) else { throw APIError.badParameter("\(name): \"\(text)\" is not a whole number") }
        guard range.contains(number) else {
            throw APIError.badParameter("\(name): \(number) is out of range \(range.lowerBound)…\(range.upperBound)")
        }
        return number
    }

    func optionalInt(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard values[name] != nil else { return nil }
        return try int(name, default: 0, in: range)
    }

    func date(_ name: String) throws -> LocalDate? {
        guard let text = try string(name) else { return nil }
        do { return try LocalDate(parsing: text) } catch {
            throw APIError.badParameter("\(name): \"\(text)\" is not a date (YYYY-MM-DD)")
        }
    }

    func uuid(_ name: String) throws -> UUID? {
        guard let text = try string(name) else { return nil }
        guard let id = UUID(uuidString: text) else { throw APIError.badParameter("\(name): \"\(text)\" is not a UUID") }
        return id
    }

    func bool(_ name: String) throws -> Bool? {
        guard let text = try string(name) else { return nil }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no": return false
        default: throw APIError.badParameter("\(name): \"\(text)\" is not true or false")
        }
    }

    func choice<T: RawRepresentable & CaseIterable>(_ name: String, as type: T.Type) throws -> T? where T.RawValue == String {
        guard let text = try string(name) else { return nil }
        guard let value = T(rawValue: text) else {
            throw APIError.badParameter("\(name): \"\(text)\" is not one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return value
    }
}

extension Parameters {
    /// A path parameter that must be a UUID (404 names it otherwise).
    func uuid(_ name: String, what: String) throws -> UUID {
        let text = self.get(name) ?? ""
        guard let id = UUID(uuidString: text) else { throw APIError.notFound("no \(what) \"\(text)\": ids are UUIDs") }
        return id
    }
}
