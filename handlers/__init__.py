"""Platform-neutral chat command logic shared by the Slack and Discord adapters."""
