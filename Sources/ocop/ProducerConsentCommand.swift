import ArgumentParser
import Foundation
import OCOPModel
import OCOPReplica

extension ProducerCommand {
    /// `ocop producer consent`: records (or withdraws) a household's consent to publish a
    /// trading name, which is what lets a feed or a public page show it instead of the neutral
    /// label.
    struct Consent: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "consent",
            abstract: "Record a household's signed consent to publish a trading name (or withdraw it).",
            discussion: """
                Without a consent, a household business is published as "Hộ sản xuất tại {xã}, \\
                {tỉnh}" and its owner's name is removed from product names. Record the consent \\
                only with the producer's signed form on file. Examples:
                  ocop producer consent --producer "Hộ kinh doanh Nguyễn Văn An" --public-name "Mật ong Bà Sáu" --date 2026-03-01 --recorded-by "Trần Thị Hoa"
                  ocop producer consent --producer PRODUCER --withdraw --date 2026-09-01
                """
        )

        @OptionGroup var replicaOptions: ReplicaOptions
        @Option(help: ArgumentHelp("The producer: id or name.", valueName: "producer")) var producer: String
        @Option(help: ArgumentHelp("The name the producer agreed may be published.", valueName: "name")) var publicName: String?
        @Option(help: ArgumentHelp("The day the consent was given or withdrawn (default: today).", valueName: "date"),
                transform: ArgumentParsers.date)
        var date: LocalDate?
        @Option(help: ArgumentHelp("Who recorded it (default: the system user).", valueName: "name")) var recordedBy: String?
        @Flag(help: "Withdraw the consent in force from --date.") var withdraw = false

        func validate() throws {
            if withdraw == (publicName != nil) {
                throw ArgumentParser.ValidationError("give --public-name to record a consent, or --withdraw to withdraw one")
            }
        }

        func run() throws {
            let day = date ?? today()
            try requireNotInTheFuture(day, option: "--date", what: "a consent is recorded once it is signed")
            let replica = try replicaOptions.open()
            let owner = try replica.producer(producer)
            guard owner.isNaturalPerson else {
                throw CLIError.badData("producer_consents.producer_id: \(owner.name) is an organisation; its name is published as it is")
            }
            let current = try replica.fetchAll(ProducerConsent.self).filter { $0.producerID == owner.id && $0.withdrawnOn == nil }
            if withdraw {
                guard var consent = current.last else {
                    throw CLIError.badData("producer_consents.withdrawn_on: \(owner.name) has no consent in force")
                }
                consent.withdrawnOn = day
                try consent.validate()
                try replica.save(consent)
                print("Withdrew the consent of \(owner.name) from \(day): it is published under its neutral label again.")
                return
            }
            if let open = current.last {
                throw CLIError.badData("producer_consents.public_name: \(owner.name) already consented to \"\(open.publicName)\" on \(open.consentedOn); withdraw it first")
            }
            let consent = ProducerConsent(tenantID: owner.tenantID, producerID: owner.id, publicName: publicName ?? "",
                                          consentedOn: day, recordedBy: Replica.decider(recordedBy))
            try replica.save(consent)
            print("Recorded the consent of \(owner.name) from \(day): published as \"\(consent.publicName)\".")
        }
    }
}
