import NIOCore
import NIOHTTPTypes

/// Closes a connection whose first request head (request line and headers) has not fully
/// arrived ``HeaderDeadline/timeout`` after it opened: a client sending half a request, or
/// nothing, holds a descriptor for that long at most. Sits after the HTTP decoder, which passes
/// a head on only once it is complete; later requests on the connection fall under the idle
/// timeout.
final class HeaderTimeoutHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart

    private var deadline: HeaderDeadline
    private var scheduled: Scheduled<Void>?

    /// A handler allowing `timeout` for the head.
    init(timeout: Duration) {
        deadline = HeaderDeadline(timeout: timeout)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { arm(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        arm(context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head = unwrapInboundIn(data), !deadline.headArrived {
            deadline.head()
            cancel()
        }
        context.fireChannelRead(data)
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancel()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancel()
    }

    private func arm(context: ChannelHandlerContext) {
        guard let due = deadline.opened(at: .now) else { return }
        schedule(context: context, at: due)
    }

    /// Checks at `due`; a timer that fires early (NIO's clock and ContinuousClock differ) checks again later.
    private func schedule(context: ChannelHandlerContext, at due: ContinuousClock.Instant) {
        let wait = max(.zero, due - .now) + .milliseconds(1)
        scheduled = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(wait)) { [self] in
            scheduled = nil
            if deadline.expired(at: .now) {
                context.close(promise: nil)
            } else if let due = deadline.deadline {
                schedule(context: context, at: due)
            }
        }
    }

    private func cancel() {
        scheduled?.cancel()
        scheduled = nil
    }
}
