"""Delivery: senders per platform, declared limits, and the outbox worker."""
