"""Plain-Python domain: enums, rules and errors. No SQLAlchemy, no Qt."""
