"""Store platforms that send their own webhooks: Shopify and WooCommerce, mapped to shopdesk's upserts."""
