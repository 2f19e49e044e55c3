"""Webhooks: organisations subscribe a URL to event types; signed deliveries sent by the job runner."""
