"""Writes of the webhooks app: endpoints and their secrets (endpoints.py), events and replays (events.py)."""
