"""Ship-with-the-code fakes for tests and benchmarks (feed server, chat fakes)."""
