"""Writes of the desk, one module per family: tickets (status, assignment, merge, triage), messages,
the contact form, inbound email, agents and their tokens, order actions from the sidebar."""
