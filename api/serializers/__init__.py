"""Serializers parse input and shape output; they hold no rules (those are in services and in the
tenancy rule). Split by resource: common, accounts, cases, supplements."""
