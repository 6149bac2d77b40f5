"""Chat platform adapters; each imports its own SDK and nothing else imports it."""
