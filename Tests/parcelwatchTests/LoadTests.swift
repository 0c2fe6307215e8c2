import Testing

/// The suites that load the machine (many processes, thousands of requests, a database server):
/// they run one at a time, so on CI's two cores neither starves the other's timing.
@Suite(.serialized) enum LoadTests {}
