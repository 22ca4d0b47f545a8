"""The flows: the general answer of every intent, and the self-service flows on a verified order."""
