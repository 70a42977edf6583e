import Foundation

/// Any key of a JSON object, to see the keys a typed container would silently skip.
struct AnyCodingKey: CodingKey {
    var stringValue: String
    var intValue: Int? { nil }
    init(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension Decoder {
    /// Refuses any key of this JSON object that `Keys` does not name.
    ///
    /// `JSONDecoder` ignores unknown keys, so a typo in a configuration file (`datadirectory`)
    /// would quietly fall back to the default; settings must fail loudly instead. The error is
    /// an ``UnknownKeyError`` with the key's JSON path and a suggestion when a known key is close.
    func rejectUnknownKeys<Keys: CodingKey & CaseIterable>(_ keys: Keys.Type) throws {
        let container = try container(keyedBy: AnyCodingKey.self)
        let known = Keys.allCases.map(\.stringValue)
        // Sorted, so that a file with several typos always reports the same one first.
        for key in container.allKeys.sorted(by: { $0.stringValue < $1.stringValue }) where !known.contains(key.stringValue) {
            let parent = codingPath.map(\.stringValue)
            throw UnknownKeyError(path: parent + [key.stringValue],
                                  suggestion: Self.closest(to: key.stringValue, in: known).map { (parent + [$0]).joined(separator: ".") },
                                  known: known)
        }
    }

    /// The known key a typo most likely meant: same letters in another case, or at most two
    /// edits away.
    static func closest(to key: String, in known: [String]) -> String? {
        if let sameLetters = known.first(where: { $0.lowercased() == key.lowercased() }) { return sameLetters }
        let scored = known.map { ($0, editDistance($0.lowercased(), key.lowercased())) }.filter { $0.1 <= 2 }
        return scored.min { $0.1 < $1.1 }?.0
    }

    private static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for (i, letter) in a.enumerated() {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for (j, other) in b.enumerated() {
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + (letter == other ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}

/// A key a strict document does not define, e.g. `"datadirectory"` for `"dataDirectory"`.
struct UnknownKeyError: Error, CustomStringConvertible {
    /// The JSON path of the key, outermost first.
    var path: [String]
    /// The known key (as a full path) the typo most likely meant.
    var suggestion: String?
    /// The keys allowed where it was found.
    var known: [String]

    var description: String {
        "unknown key \"\(path.joined(separator: "."))\""
            + (suggestion.map { " (did you mean \"\($0)\"?)" } ?? "; allowed here: \(known.joined(separator: ", "))")
    }
}
