"""Response schemas of the API (the store-sync input schemas live in shopdesk.integration.schemas)."""
