"""Discord adapter: alert embeds, the outbox sender, and the /alerts application commands."""
