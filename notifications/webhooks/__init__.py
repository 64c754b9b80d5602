"""Signed outbound webhooks (Standard Webhooks): endpoints per organization, events derived from
the change history in the transaction that changes the data, an outbox of deliveries sent by
Celery with backoff, and the address checks that keep requests out of the internal network."""
