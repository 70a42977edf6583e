import Foundation
import OCOPModel

/// Refuses a date after today (Vietnam time) for something that records what already happened.
///
/// A future evaluation or certificate date is always a typo, and a costly one: it becomes the
/// product's "latest" record and blocks later work until someone finds it. Exit 1 (bad data),
/// naming the option.
func requireNotInTheFuture(_ date: LocalDate, option: String, what: String, today: LocalDate = today()) throws {
    guard date > today else { return }
    throw CLIError.badData("\(option) \(date) is after today (\(today), Vietnam time): \(what); give a date on or before today")
}
