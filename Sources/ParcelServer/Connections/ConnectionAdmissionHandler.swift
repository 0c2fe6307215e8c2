import NIOCore
import NIOHTTPTypes

/// Counts a connection against the ``ConnectionGate`` as it becomes active and closes it at
/// once, before reading a byte, when its address or the server is at its cap (at the total cap
/// the gate may instead close an older connection still without a request head); tells the gate
/// when the first request head is complete, and releases the count when the connection closes.
final class ConnectionAdmissionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart

    private enum State {
        case waiting
        case admitted(ConnectionCounter.ID, headSeen: Bool)
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

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .admitted(let id, headSeen: false) = state, case .head = unwrapInboundIn(data) {
            state = .admitted(id, headSeen: true)
            gate.headArrived(id)
        }
        context.fireChannelRead(data)
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
        guard let id = gate.admit(client, channel: context.channel) else {
            state = .closed
            context.close(promise: nil)
            return false
        }
        state = .admitted(id, headSeen: false)
        return true
    }

    private func release() {
        if case .admitted(let id, _) = state { gate.release(id) }
        state = .closed
    }
}
