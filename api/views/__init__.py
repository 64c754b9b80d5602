"""API views, thin: parse with a serializer, check access through the tenancy rule, call one
service or query, shape the answer."""
