"""The Django admin: an operator's tool over every app's models (registered in `admin`), scoped by
the tenancy rule for staff who are not superusers (`scoping`). It writes through the services."""
