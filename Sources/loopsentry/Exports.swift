/// The daemon's files read `MonotonicClock` without importing the OS layer themselves; this
/// makes `LoopSentrySystem` visible to every file of the CLI.
@_exported import LoopSentrySystem
