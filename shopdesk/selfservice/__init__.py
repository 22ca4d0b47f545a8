"""Self-service: every action a customer (or an agent, or the assistant for a customer) takes on an order."""
