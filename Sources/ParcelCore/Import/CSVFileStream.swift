import Foundation

/// The records of a CSV file, read `bufferSize` bytes at a time: memory holds one buffer and the
/// records parsed from it, never the file. At most ``ImportLimits/maxFileBytes`` are read (a
/// file that grows while it is read is cut off one byte past the limit).
public final class CSVFileStream {
    /// The default read size: large enough that `read(2)` calls cost nothing next to parsing.
    public static let defaultBufferSize = 64 * 1024

    private let file: String
    private let handle: FileHandle
    private let bufferSize: Int
    private let maxBytes: Int
    private var parser = CSVStreamParser()
    private var pending: [CSVReader.Record] = []
    private var pendingBytes = 0
    private var next = 0
    private var finished = false
    private var bytesRead = 0

    /// The most bytes held at once: the buffer just read plus the records parsed from it and not
    /// yet taken, plus the record being parsed. Bounded by the buffer size and the longest record,
    /// whatever the file's size.
    public private(set) var peakBufferedBytes = 0
    /// A quoted field never closed at the end of the file, once the end is reached.
    public private(set) var failure: CSVReader.Failure?

    /// Opens `file` for reading from its start.
    /// - Throws: ``ImportError/unreadable(file:detail:)`` when it cannot be opened.
    public init(file: String, bufferSize: Int = CSVFileStream.defaultBufferSize, maxBytes: Int) throws(ImportError) {
        guard let handle = FileHandle(forReadingAtPath: file) else { throw .unreadable(file: file, detail: "no such file or not readable") }
        self.file = file
        self.handle = handle
        self.bufferSize = max(1, bufferSize)
        self.maxBytes = maxBytes
    }

    deinit { try? handle.close() }

    /// The next record, or nil at the end of the file (then ``failure`` says whether the last
    /// quoted field was left open).
    /// - Throws: ``ImportError/unreadable(file:detail:)`` for a read error or text that is not
    ///   UTF-8, ``ImportError/tooLarge(file:bytes:limit:)`` past the size limit.
    public func nextRecord() throws(ImportError) -> CSVReader.Record? {
        while next == pending.count {
            pending.removeAll(keepingCapacity: true)
            pendingBytes = 0
            next = 0
            guard !finished else { return nil }
            try fill()
        }
        let record = pending[next]
        next += 1
        return record
    }

    private func fill() throws(ImportError) {
        let chunk: Data
        do { chunk = try handle.read(upToCount: bufferSize) ?? Data() } catch {
            throw .unreadable(file: file, detail: "\(error.localizedDescription)")
        }
        if !chunk.isEmpty {
            bytesRead += chunk.count
            guard bytesRead <= maxBytes else { throw .tooLarge(file: file, bytes: nil, limit: maxBytes) }
        }
        do throws(CSVStreamParser.InvalidText) {
            if chunk.isEmpty {
                finished = true
                failure = try parser.finish(into: &pending)
            } else {
                try parser.feed(chunk, into: &pending)
            }
        } catch {
            throw .unreadable(file: file, detail: "not UTF-8 text (save the file as UTF-8)")
        }
        for record in pending { pendingBytes += record.fields.reduce(0) { $0 + $1.utf8.count } }
        peakBufferedBytes = max(peakBufferedBytes, chunk.count + pendingBytes + parser.heldBytes)
    }
}
