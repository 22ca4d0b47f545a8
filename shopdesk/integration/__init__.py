"""How a store platform feeds shopdesk: upsert outcomes, field errors, bulk batches and file imports.

Not an app (no models): the API router and `shopdesk import` call into it, and it calls the services
of catalog, orders, shipping and payments, so both interfaces share one path and one set of schemas.
"""
