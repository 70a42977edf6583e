/// One range of an HTTP `Range: bytes=…` header (RFC 9110 §14.1.2), resolved against a size.
enum ByteRange: Equatable {
    /// The whole file: no header, or one this server does not honour (several ranges, another unit).
    case whole
    /// The bytes to send.
    case part(ClosedRange<Int>)
    /// A range that starts past the end: 416 with `Content-Range: bytes */SIZE`.
    case unsatisfiable

    init(header: String?, size: Int) {
        guard let header, header.hasPrefix("bytes="), !header.contains(",") else { self = .whole; return }
        let spec = header.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { self = .whole; return }
        let first = parts[0].trimmingCharacters(in: .whitespaces)
        let last = parts[1].trimmingCharacters(in: .whitespaces)
        func number(_ text: String) -> Int? {
            !text.isEmpty && text.utf8.count <= 18 && text.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 } ? Int(text) : nil
        }
        if first.isEmpty {
            // A suffix: the last N bytes.
            guard let count = number(last) else { self = .whole; return }
            guard count > 0, size > 0 else { self = .unsatisfiable; return }
            self = .part(max(size - count, 0)...(size - 1))
            return
        }
        guard let start = number(first) else { self = .whole; return }
        if last.isEmpty {
            self = start < size ? .part(start...(size - 1)) : .unsatisfiable
            return
        }
        // A last position before the first is a header to ignore, not a range to refuse.
        guard let end = number(last), end >= start else { self = .whole; return }
        self = start < size ? .part(start...min(end, size - 1)) : .unsatisfiable
    }
}
