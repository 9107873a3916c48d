"""Use cases as plain functions over a unit of work; they validate, write, commit once
and return frozen DTOs. No SQLAlchemy and no Qt here."""
