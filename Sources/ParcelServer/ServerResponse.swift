import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import ParcelCore
import ParcelOps
import ParcelStore

/// The server's two kinds of answer, shared by the customer routes, the shop API, the staff
/// console and the metrics: JSON in the CLI's one style, and HTML with headers that keep a
/// page from being framed, sniffed or leaking its URL.
enum ServerResponse {
    /// `value` as JSON (never cached: answers are about one customer's parcel or one shop's data).
    static func json(_ status: HTTPResponse.Status, _ value: some Encodable) -> Response {
        let data = (try? JSONOutput.data(value)) ?? Data("{}\n".utf8)
        return Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// A page: no scripts, styles only inline, forms only to this server, never in a frame, and
    /// its address sent to no one (`referrerPolicy`; the staff console's pages use `same-origin`
    /// so that browsers send a real `Origin` with its forms).
    static func html(_ status: HTTPResponse.Status, _ text: String, referrerPolicy: String = "no-referrer") -> Response {
        var headers: HTTPFields = [
            .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
            .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
        ]
        for (name, value) in [("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", referrerPolicy)] {
            if let field = HTTPField.Name(name) { headers[field] = value }
        }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
