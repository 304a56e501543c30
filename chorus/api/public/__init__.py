"""The public read API (/api/v1/): open data, no token, documented by its own OpenAPI document."""
