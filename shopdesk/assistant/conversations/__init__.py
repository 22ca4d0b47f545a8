"""Conversations with the assistant: stored turns and slots, the engine that answers a message, the flows
that answer each intent (help articles and self-service through the action registry), and the handoff."""
