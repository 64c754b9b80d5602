"""What integrations need around the REST API: personal API tokens and idempotency records."""
