"""Outputs (PDF, xlsx) from DTOs. No Qt, no database session; import lazily (slow)."""
