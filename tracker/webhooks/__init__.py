"""Outgoing webhooks: the events that mail a unit, POSTed as signed JSON to chat bridges and
other systems, queued and retried through the mail's outbox (docs/webhooks.md)."""
