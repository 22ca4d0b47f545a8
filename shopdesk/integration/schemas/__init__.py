"""Input and output schemas of the store integration, shared by the API and `shopdesk import` (one truth)."""
