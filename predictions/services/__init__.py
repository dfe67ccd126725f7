"""Writes. Each service is named entity_action, takes keyword-only arguments, and owns its transaction."""
