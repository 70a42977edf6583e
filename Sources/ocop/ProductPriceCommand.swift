import ArgumentParser
import Foundation
import OCOPModel
import OCOPReplica

extension ProductCommand {
    /// `ocop product price`: the product's offer, which shops and partners read in the feeds.
    struct Price: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a product's retail price (đồng), availability and net content; shown to shops in the feeds.",
            discussion: """
                Options not given keep their value. Examples:
                  ocop product price "Mật ong bạc hà" --vnd 250000 --net "500 g"
                  ocop product price 8934567890120 --availability out_of_stock
                  ocop product price "Mật ong bạc hà" --no-price
                Availability: in_stock, out_of_stock, pre_order, discontinued. Net content: a \
                number and g, kg, ml, l or piece (a decimal comma is fine: "1,5 l").
                """
        )

        @OptionGroup var replicaOptions: ReplicaOptions
        @Argument(help: "The product: id, GTIN or name.") var product: String
        @Option(help: ArgumentHelp("Retail price in đồng, digits only (dots and spaces as thousands separators are allowed).", valueName: "đồng"))
        var vnd: String?
        @Flag(help: "Forget the price (the product is listed without one).") var noPrice = false
        @Option(help: ArgumentHelp("in_stock, out_of_stock, pre_order or discontinued.", valueName: "availability"))
        var availability: ProductOffer.Availability?
        @Option(help: ArgumentHelp("Net content of the package priced, e.g. \"500 g\" or \"750 ml\".", valueName: "content"))
        var net: String?

        func validate() throws {
            if vnd != nil, noPrice { throw ArgumentParser.ValidationError("give --vnd or --no-price, not both") }
            if vnd == nil, !noPrice, availability == nil, net == nil {
                throw ArgumentParser.ValidationError("say what to set: --vnd, --no-price, --availability or --net")
            }
        }

        func run() throws {
            let replica = try replicaOptions.open()
            let product = try replica.product(product)
            var offer = try replica.fetch(ProductOffer.self, id: product.id) ?? ProductOffer(product: product, recordedOn: today())
            if let vnd {
                let digits = vnd.filter { !$0.isWhitespace && $0 != "." }
                guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let price = Int64(digits) else {
                    throw CLIError.badData("product_offers.price_vnd: \"\(vnd)\" is not a price in đồng (digits, e.g. 250000 or 250.000)")
                }
                offer.priceVND = price
            }
            if noPrice { offer.priceVND = nil }
            if let availability { offer.availability = availability }
            if let net {
                guard let parsed = ProductOffer.parseNetContent(net) else {
                    throw CLIError.badData("product_offers.net_quantity: \"\(net)\" is not a net content such as \"500 g\", \"1,5 kg\", \"750 ml\", \"1 l\" or \"6 piece\"")
                }
                offer.netQuantity = parsed.quantity
                offer.netUnit = parsed.unit
            }
            offer.recordedOn = today()
            try offer.validate()
            try replica.save(offer)
            print(Self.summary(offer, of: product))
        }

        static func summary(_ offer: ProductOffer, of product: Product) -> String {
            let price = offer.priceVND.map { "\(ProductOffer.groupedThousands($0)) ₫" } ?? "no price"
            let content = offer.netQuantity.map { " for \(formatScore($0)) \(offer.netUnit?.rawValue ?? "")" } ?? ""
            return "\(product.nameVi): \(price)\(content), \(offer.availability.rawValue)"
        }
    }
}

extension ProductOffer.Availability: ExpressibleByArgument {}
