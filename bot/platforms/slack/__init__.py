"""Slack adapter: Block Kit rendering, outbox senders, and the /alerts slash-command app."""
