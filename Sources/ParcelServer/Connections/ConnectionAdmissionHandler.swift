import NIOCore
import NIOHTTPTypes

/// Counts a connection against the ``ConnectionGate`` as it becomes active and closes it at
/// once, before reading a byte, when its address or the server is at its cap; connections
/// already open are untouched. Releases the count when the connection closes.
final class ConnectionAdmissionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart

    private enum State {
        case waiting
        case admitted(client: String)
        case closed
    }

    private let gate: ConnectionGate
    private var state = State.waiting

    /// A handler counting against `gate`.
    init(gate: ConnectionGate) {
        self.gate = gate
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { _ = admit(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        if admit(context: context) { context.fireChannelActive() }
    }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        release()
    }

    /// True when the connection may go on; else it is being closed.
    private func admit(context: ChannelHandlerContext) -> Bool {
        switch state {
        case .admitted: return true
        case .closed: return false
        case .waiting: break
        }
        let client = context.channel.remoteAddress?.ipAddress ?? "unknown"
        switch gate.admit(client) {
        case .admitted:
            state = .admitted(client: client)
            return true
        case .refusedClient, .refusedTotal:
            state = .closed
            context.close(promise: nil)
            return false
        }
    }

    private func release() {
        if case .admitted(let client) = state { gate.release(client) }
        state = .closed
    }
}
