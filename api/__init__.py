"""REST API v1: serializers, views, filters and the error shape. Thin: every read goes through the
tenancy rule (cases.tenancy, extended in `access`), every write through a service."""
