"""Mail: the outbox (written in the caller's transaction), recipients, and SMTP delivery."""
