/// Lets a flag be written before a subcommand's name, as users do: `ocop conflicts --json review`
/// means `ocop conflicts review --json`.
///
/// A group such as `conflicts` has a default subcommand (`list`), so ArgumentParser would hand
/// anything after `conflicts` that is not a subcommand name to `list`, and `review` would then be
/// an unknown argument. Only value-less flags every subcommand of the group knows are moved.
enum GroupFlagOrder {
    /// Group name → (its subcommand names, the flags that may precede them).
    static let groups: [String: (subcommands: Set<String>, flags: Set<String>)] = [
        "conflicts": (["list", "review", "resolve"], ["--json"]),
    ]

    /// `arguments` (without the executable) with such flags moved after the subcommand's name.
    static func normalised(_ arguments: [String]) -> [String] {
        guard let group = arguments.first, let rule = groups[group] else { return arguments }
        var rest = Array(arguments.dropFirst())
        var moved: [String] = []
        while let first = rest.first, rule.flags.contains(first) {
            moved.append(first)
            rest.removeFirst()
        }
        guard !moved.isEmpty, let subcommand = rest.first, rule.subcommands.contains(subcommand) else { return arguments }
        return [group, subcommand] + moved + rest.dropFirst()
    }
}
