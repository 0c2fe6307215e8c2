internal import CCurl

/// Owns the one curl multi handle and drives every transfer on a single thread.
///
/// Created on, used on and destroyed on the loop thread only; callers talk to it through the
/// ``Mailbox``.
final class MultiLoop {
    private let multi: UnsafeMutableRawPointer
    private let mailbox: Mailbox
    private let userAgent: String
    private var running: [UInt64: (transfer: EasyTransfer, continuation: CheckedContinuation<HTTPResponse, any Error>)] = [:]
    private var idsByHandle: [UnsafeMutableRawPointer: UInt64] = [:]

    init(mailbox: Mailbox, configuration: HTTPClient.Configuration) throws(CurlError) {
        guard let multi = curl_multi_init() else { throw .setupFailed("curl_multi_init returned NULL") }
        self.multi = multi
        self.mailbox = mailbox
        self.userAgent = configuration.userAgent
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, configuration.maxConnectionsPerHost)
        _ = ccurl_multi_setopt_long(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, configuration.maxConnections)
    }

    deinit {
        for (_, entry) in running {
            curl_multi_remove_handle(multi, entry.transfer.handle)
        }
        curl_multi_cleanup(multi)
    }

    /// Runs until the mailbox says stop; then fails whatever is still in flight.
    func run() {
        while true {
            let (new, cancelled, stop) = mailbox.take()
            if stop {
                for submission in new { submission.continuation.resume(throwing: CurlError.clientShutDown) }
                for id in Array(running.keys) { finish(id, with: .failure(CurlError.clientShutDown)) }
                return
            }
            for submission in new { start(submission) }
            for id in cancelled { finish(id, with: .failure(CancellationError())) }

            var stillRunning: Int32 = 0
            _ = curl_multi_perform(multi, &stillRunning)
            collectFinished()

            var wakeup = curl_waitfd(fd: mailbox.readFD, events: Int16(CURL_WAIT_POLLIN), revents: 0)
            _ = curl_multi_poll(multi, &wakeup, 1, 1000, nil)
            if wakeup.revents != 0 { mailbox.drainWakeups() }
        }
    }

    private func start(_ submission: Mailbox.Submission) {
        do {
            let transfer = try EasyTransfer(id: submission.id, request: submission.request, userAgent: userAgent)
            let added = curl_multi_add_handle(multi, transfer.handle)
            guard added == CURLM_OK else {
                throw CurlError.setupFailed("curl_multi_add_handle: \(String(cString: curl_multi_strerror(added)))")
            }
            running[submission.id] = (transfer, submission.continuation)
            idsByHandle[transfer.handle] = submission.id
        } catch {
            mailbox.finished(submission.id)
            submission.continuation.resume(throwing: error)
        }
    }

    private func collectFinished() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle,
                let id = idsByHandle[handle], let entry = running[id]
            else { continue }
            let outcome = entry.transfer.outcome(ccurl_msg_result(message))
            finish(id, with: outcome.mapError { $0 as any Error })
        }
    }

    private func finish(_ id: UInt64, with result: Result<HTTPResponse, any Error>) {
        guard let entry = running.removeValue(forKey: id) else { return }
        idsByHandle[entry.transfer.handle] = nil
        curl_multi_remove_handle(multi, entry.transfer.handle)
        mailbox.finished(id)
        entry.continuation.resume(with: result)
    }
}
